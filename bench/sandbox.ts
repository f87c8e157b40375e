/**
 * `npm run bench:sandbox`: the sandbox cluster as its clients see it, compiled and run like
 * `weft sandbox` (child process pinned to core 0, pods ready as soon as scheduled), driven through
 * `@kubernetes/client-node` over HTTPS from core 1, with one connection pool (PooledKubeConfig):
 * - apply: 500 objects (10 namespaces, each with 10 Deployments of 2 replicas, 10 Services,
 *   14 ConfigMaps and 15 Secrets) by server-side apply, 16 requests in flight, until every
 *   Deployment reports all replicas available. Target < 5 s.
 * - list: 5,000 pods in one namespace (left unscheduled: another scheduler's), listed 30 times:
 *   request to last byte of the response (the target, < 100 ms; the first list reported apart),
 *   the same plus the client's `JSON.parse`, and the same through client-node's typed API.
 * - watch: 100 client-node watches on one namespace's ConfigMaps, one ConfigMap updated every
 *   20 ms for 200 updates; latency from the update being sent to each watcher's event.
 *   Target p99 < 50 ms.
 * Prints one JSON line; progress on stderr. Env: BENCH_PODS (5000), BENCH_WATCHERS (100).
 */
import { join } from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { Agent, fetch } from 'undici';
import { PooledKubeConfig } from '../server/kube/pooledKubeConfig.js';
import { buildOnce, PROJECT_ROOT } from './lib/build.js';
import { tempDataDir } from './lib/dataDir.js';
import { machine, pinSelf, startPinned, waitForQuietCores } from './lib/proc.js';
import { round, summarize } from './lib/stats.js';

const SERVER_CORE = 0;
const LOAD_GENERATOR_CORE = 1;
const PODS = Number(process.env.BENCH_PODS ?? 5_000);
const WATCHERS = Number(process.env.BENCH_WATCHERS ?? 100);
const IN_FLIGHT = 16;
const LISTS = 30;
const UPDATES = 200;
const UPDATE_INTERVAL_MS = 20;

const progress = (text: string) => process.stderr.write(`bench:sandbox ${text}\n`);

/** Runs `tasks` with at most `limit` under way. */
async function inParallel<T>(items: T[], limit: number, task: (item: T) => Promise<unknown>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

function applyObjects(): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (let n = 0; n < 10; n++) {
    const namespace = `team-${n}`;
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    for (let i = 0; i < 10; i++) {
      const app = `app-${i}`;
      const labels = { app };
      objects.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: app, namespace },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }],
            },
          },
        },
      } as KubernetesObject);
      objects.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: app, namespace },
        spec: { selector: labels, ports: [{ port: 80 }] },
      } as KubernetesObject);
    }
    for (let i = 0; i < 14; i++) {
      objects.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `config-${i}`, namespace },
        data: { key: `value-${i}` },
      } as KubernetesObject);
    }
    for (let i = 0; i < 15; i++) {
      objects.push({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `secret-${i}`, namespace },
        stringData: { token: `t-${i}` },
      } as KubernetesObject);
    }
  }
  return objects;
}

async function measureApply(kc: PooledKubeConfig) {
  const objects = applyObjects();
  const client = KubernetesObjectApi.makeApiClient(kc);
  const apps = kc.makeApiClient(AppsV1Api);
  const started = performance.now();
  // Namespaces first, as any deploy tool orders them.
  const [namespaces, rest] = [
    objects.filter((o) => o.kind === 'Namespace'),
    objects.filter((o) => o.kind !== 'Namespace'),
  ];
  const apply = (object: KubernetesObject) =>
    client.patch(object, undefined, undefined, 'bench', true, PatchStrategy.ServerSideApply);
  await inParallel(namespaces, IN_FLIGHT, apply);
  await inParallel(rest, IN_FLIGHT, apply);
  const appliedMs = performance.now() - started;
  for (;;) {
    const deployments = (await apps.listDeploymentForAllNamespaces()).items;
    const ready = deployments.filter(
      (d) => d.status?.availableReplicas === d.spec?.replicas,
    ).length;
    if (ready === 100) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    objects: objects.length,
    appliedMs: round(appliedMs),
    allReadyMs: round(performance.now() - started),
  };
}

async function measureList(kc: PooledKubeConfig, url: string) {
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = 'bench-list';
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const created = performance.now();
  const indices = Array.from({ length: PODS }, (_, i) => i);
  await inParallel(indices, IN_FLIGHT * 2, (i) =>
    core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: `pod-${i}`, labels: { app: `app-${i % 50}` } },
        spec: {
          schedulerName: 'bench-elsewhere',
          containers: [{ name: 'main', image: 'busybox:1.36' }],
        },
      },
    }),
  );
  const createMs = performance.now() - created;
  const dispatcher = new Agent({
    connect: { ca: Buffer.from(kc.getCurrentCluster()!.caData!, 'base64') },
  });
  const headers = { authorization: `Bearer ${kc.getCurrentUser()!.token}` };
  const response: number[] = [];
  const parsed: number[] = [];
  const typed: number[] = [];
  let bytes = 0;
  for (let i = 0; i < LISTS; i++) {
    const t0 = performance.now();
    const answer = await fetch(`${url}/api/v1/namespaces/${namespace}/pods`, {
      headers,
      dispatcher,
    });
    const text = await answer.text();
    response.push(performance.now() - t0);
    const items = (JSON.parse(text) as { items: unknown[] }).items.length;
    parsed.push(performance.now() - t0);
    bytes = text.length;
    if (items !== PODS) throw new Error(`listed ${items} pods, not ${PODS}`);
    const t1 = performance.now();
    await core.listNamespacedPod({ namespace });
    typed.push(performance.now() - t1);
  }
  await dispatcher.close();
  return {
    pods: PODS,
    createPerSecond: round(PODS / (createMs / 1000)),
    bodyBytes: bytes,
    // The first list serializes every pod; later ones reuse each unchanged pod's JSON text.
    firstResponseMs: round(response[0]!),
    responseMs: summarize(response.slice(1)),
    parsedMs: summarize(parsed),
    clientNodeMs: summarize(typed),
  };
}

async function measureWatch(kc: PooledKubeConfig) {
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = 'bench-watch';
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const created = await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: 'ticker' }, data: { sentAt: '0' } },
  });
  const latencies: number[] = [];
  const watch = new Watch(kc);
  const controllers = await Promise.all(
    Array.from({ length: WATCHERS }, () =>
      watch.watch(
        `/api/v1/namespaces/${namespace}/configmaps`,
        { resourceVersion: created.metadata!.resourceVersion! },
        (type, object: { data?: { sentAt?: string } }) => {
          if (type === 'MODIFIED') latencies.push(Date.now() - Number(object.data?.sentAt));
        },
        () => undefined,
      ),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (let i = 0; i < UPDATES; i++) {
    await core.patchNamespacedConfigMap({
      name: 'ticker',
      namespace,
      body: [{ op: 'replace', path: '/data/sentAt', value: String(Date.now()) }],
    });
    await new Promise((resolve) => setTimeout(resolve, UPDATE_INTERVAL_MS));
  }
  const deadline = Date.now() + 10_000;
  while (latencies.length < WATCHERS * UPDATES && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  controllers.forEach((controller) => controller.abort());
  return {
    watchers: WATCHERS,
    updates: UPDATES,
    received: latencies.length,
    eventMs: summarize(latencies),
  };
}

pinSelf(LOAD_GENERATOR_CORE);
buildOnce();
if (!(await waitForQuietCores([SERVER_CORE, LOAD_GENERATOR_CORE], 10, 30_000))) {
  progress('the cores did not get quiet within 30 s: results may include other work');
}
const data = await tempDataDir('weft-bench-sandbox-');
const sandbox = await startPinned(
  SERVER_CORE,
  [
    join(PROJECT_ROOT, 'dist/server/main.js'),
    'sandbox',
    '--data',
    data.path,
    '--sandbox-pod-start-ms',
    '0',
  ],
  /^weft sandbox listening on (https:\/\/\S+)$/,
);
process.once('exit', () => sandbox.child.kill('SIGKILL'));
// One connection pool, as the hub uses: stock client-node opens a TLS connection per request.
const kc = new PooledKubeConfig();
kc.loadFromFile(join(data.path, 'sandbox.kubeconfig'));
try {
  progress('apply 500 objects…');
  const apply = await measureApply(kc);
  progress(`apply: ${JSON.stringify(apply)}; list…`);
  const list = await measureList(kc, sandbox.url);
  progress(`list: ${JSON.stringify(list)}; watch…`);
  const watch = await measureWatch(kc);
  console.log(
    JSON.stringify({
      bench: 'sandbox',
      machine: machine(),
      apply,
      list,
      watch,
      sandbox: {
        cpuSeconds: round(sandbox.cpuSeconds(), 2),
        rssMiB: round(sandbox.rssBytes() / 2 ** 20),
      },
    }),
  );
} finally {
  await kc.close();
  await sandbox.stop();
  await data.remove();
}
