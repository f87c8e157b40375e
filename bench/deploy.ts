/**
 * `npm run bench:deploy`: a design of 200 Kubernetes resources (4 Namespaces, then 49
 * applications of a Deployment, Service, ConfigMap and Secret) deployed to the hub's own sandbox
 * cluster, through the hub's API, as a user would: the compiled hub pinned to core 0 (its
 * sandbox runs in the same process, as with `npm start`), this process on core 1.
 *
 * Per run: the apply phase (from the request to the last object applied and pruned, from the
 * deployment's own `startedAt` and `appliedAt`), the time until every workload is Ready, and the
 * apply phase of a second deployment of the unchanged design (nothing to write). Runs undeploy
 * in between, so each starts from an empty cluster. Then, with the design deployed, the live
 * cluster view (bench/deploy/clusterView.ts): BENCH_VIEWERS viewers (100) of the cluster's
 * room, and BENCH_CHANGES changes (200) timed from the cluster to the viewers.
 * Prints one JSON line; progress on stderr. Env: BENCH_RUNS (3), BENCH_APPS (49).
 */
import { join } from 'node:path';
import type { Deployment } from '../shared/deploy/deployment.js';
import { tempDataDir } from './lib/dataDir.js';
import { machine, pinSelf } from './lib/proc.js';
import { round } from './lib/stats.js';
import { startWeft } from './lib/weftHub.js';
import { measureClusterView } from './deploy/clusterView.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 100);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 200);
const APPS = Number(process.env.BENCH_APPS ?? 49);
const NAMESPACES = 4;
const SERVER_CORE = 0;
const CLIENT_CORE = 1;
const POLL_MS = 25;
const TIMEOUT_MS = 300_000;

const progress = (text: string) => process.stderr.write(`bench:deploy ${text}\n`);

function manifests(): string {
  const documents: string[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    documents.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: team-${n}}`);
  }
  for (let i = 0; i < APPS; i++) {
    const ns = `team-${i % NAMESPACES}`;
    const app = `app-${i}`;
    documents.push(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${app}, namespace: ${ns}, labels: {app: ${app}}}\n` +
        `spec:\n  replicas: 2\n  selector: {matchLabels: {app: ${app}}}\n  template:\n` +
        `    metadata: {labels: {app: ${app}}}\n    spec:\n      containers:\n` +
        `        - name: ${app}\n          image: registry.example.com/${app}:1.4.2\n` +
        `          envFrom: [{configMapRef: {name: ${app}}}, {secretRef: {name: ${app}}}]\n` +
        `          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}`,
      `apiVersion: v1\nkind: Service\nmetadata: {name: ${app}, namespace: ${ns}}\n` +
        `spec:\n  selector: {app: ${app}}\n  ports: [{port: 80, targetPort: 8080}]`,
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${app}, namespace: ${ns}}\ndata: {MODE: fast}`,
      `apiVersion: v1\nkind: Secret\nmetadata: {name: ${app}, namespace: ${ns}}\nstringData: {TOKEN: t-${i}}`,
    );
  }
  return documents.join('\n---\n');
}

async function call<T>(url: string, method: string, body?: unknown, type = 'application/json') {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': type },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Starts a deployment and follows it to its end. */
async function run(hubUrl: string, design: string, action: 'deploy' | 'undeploy') {
  const { id } = await call<Deployment>(`${hubUrl}/api/designs/${design}/${action}`, 'POST', {
    connections: ['sandbox'],
    // The design's best-practice findings are warnings; nothing here should need force.
    timeoutSeconds: 240,
  });
  const deadline = performance.now() + TIMEOUT_MS;
  for (;;) {
    const deployment = await call<Deployment>(`${hubUrl}/api/deployments/${id}`, 'GET');
    if (deployment.finishedAt !== null) {
      if (deployment.state !== 'succeeded') {
        throw new Error(
          `${action} ${deployment.state}: ${JSON.stringify(deployment).slice(0, 600)}`,
        );
      }
      return deployment;
    }
    if (performance.now() > deadline) throw new Error(`${action} did not finish`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const msBetween = (from: string, to: string | null | undefined): number =>
  to ? Date.parse(to) - Date.parse(from) : Number.NaN;

pinSelf(CLIENT_CORE);
const data = await tempDataDir('weft-bench-deploy-');
const hub = await startWeft(SERVER_CORE, data.path, ['--sandbox', '--sandbox-pod-start-ms', '0']);
interface Run {
  resources: number;
  applyMs: number;
  readyMs: number;
  unchangedApplyMs: number;
}
const runs: Run[] = [];
let clusterView;
try {
  const imported = await call<{ id: string }>(
    `${hub.url}/api/designs/import?name=bench`,
    'POST',
    manifests(),
    'application/yaml',
  );
  for (let i = 0; i < RUNS; i++) {
    progress(`run ${i + 1} of ${RUNS}…`);
    const first = await run(hub.url, imported.id, 'deploy');
    const again = await run(hub.url, imported.id, 'deploy');
    await run(hub.url, imported.id, 'undeploy');
    runs.push({
      resources: first.resources.length,
      applyMs: msBetween(first.startedAt, first.appliedAt),
      readyMs: msBetween(first.startedAt, first.finishedAt),
      unchangedApplyMs: msBetween(again.startedAt, again.appliedAt),
    });
  }
  progress(`cluster view: ${VIEWERS} viewers, ${CHANGES} changes…`);
  // The design deployed once more, so the view has a cluster of a realistic size to follow.
  await run(hub.url, imported.id, 'deploy');
  clusterView = await measureClusterView(
    hub,
    join(data.path, 'sandbox.kubeconfig'),
    VIEWERS,
    CHANGES,
  );
} finally {
  await hub.stop();
  await data.remove();
}
const best = (pick: (r: Run) => number) => round(Math.min(...runs.map(pick)));
const worst = (pick: (r: Run) => number) => round(Math.max(...runs.map(pick)));
console.log(
  JSON.stringify({
    bench: 'deploy',
    machine: machine(),
    runs,
    applyMs: { min: best((r) => r.applyMs), max: worst((r) => r.applyMs) },
    clusterView,
    targets: {
      applyMs: 3_000,
      applyPass: worst((r) => r.applyMs) < 3_000,
      changeToViewerP99Ms: 300,
      changeToViewerPass: (clusterView?.changeToEveryViewerMs.p99 ?? Infinity) < 300,
    },
  }),
);
