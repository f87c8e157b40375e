/**
 * Drift against the hub's sandbox: changes made to deployed objects behind the hub's back show
 * in the design's derived room (`drift`), followed with the stock y-websocket client, and go
 * away when the design is re-applied or adopts the cluster's values.
 */
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { DriftFinding } from '../../shared/deploy/drift.js';
import { readComponentById } from '../../shared/design/convert.js';
import { readDeployments, readDrift } from '../../shared/design/derived.js';
import { derivedRoom, designRoom } from '../../shared/rooms.js';
import { api, importDesign } from '../helpers/api.js';
import { connectClient, type TestClient } from '../helpers/client.js';
import { deployAndWait } from '../helpers/deployments.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { waitFor } from '../helpers/wait.js';
import { WEB_DEPLOYMENT } from '../helpers/webManifests.js';

/** Everything a clean deploy must not report: defaults, quantities, ports, env. */
const API = `
apiVersion: v1
kind: Service
metadata: {name: api, namespace: default}
spec:
  selector: {app: api}
  ports:
    - {name: http, port: 80, targetPort: 8080}
    - {name: metrics, port: 9090, targetPort: metrics}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: default, labels: {app: api, tier: backend}}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.0
          ports:
            - {name: http, containerPort: 8080}
            - {name: metrics, containerPort: 9090}
          env:
            - {name: MODE, value: fast}
            - {name: WORKERS, value: "4"}
          resources:
            requests: {cpu: 250m, memory: 128Mi}
            limits: {cpu: "1", memory: 1Gi}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: api-settings, namespace: default}
data: {LEVEL: info}
`;

interface ApiError {
  error: { code: string; message: string };
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
}

const mergePatch = () => setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

async function hubWithSandbox(): Promise<{ hub: TestHub; apps: AppsV1Api; core: CoreV1Api }> {
  const hub = await startTestHub({ sandbox: true, sandboxPodStartMs: 50 });
  const kc = new KubeConfig();
  kc.loadFromFile(hub.hub.sandbox!.kubeconfigPath);
  return { hub, apps: kc.makeApiClient(AppsV1Api), core: kc.makeApiClient(CoreV1Api) };
}

/** Imports and deploys a design to the sandbox, with its derived room open as a viewer. */
async function deployed(hub: TestHub, yaml: string) {
  const design = await importDesign(hub.url, yaml);
  const derived = connectClient(hub.wsUrl, derivedRoom(design));
  await derived.synced();
  const deployment = await deployAndWait(hub.url, design, { connections: ['sandbox'] });
  expect(deployment.state, JSON.stringify(deployment)).toBe('succeeded');
  const componentOf = (kind: string, name: string) =>
    deployment.resources.find((r) => r.kind === kind && r.name === name)!.component!;
  return { design, derived, componentOf };
}

const allDrift = (client: TestClient): DriftFinding[] =>
  Object.values(readDrift(client.doc)).flat();

/** Waits until the derived room holds drift matching `match`, and returns it. */
const driftAt = (client: TestClient, path: string, what = path) =>
  waitFor(() => allDrift(client).find((finding) => finding.path === path), {
    what: `drift at ${what}`,
  });

const scaleWeb = (apps: AppsV1Api, replicas: number) =>
  apps.patchNamespacedDeploymentScale(
    { namespace: 'default', name: 'web', body: { spec: { replicas } } },
    mergePatch(),
  );

const setImage = (apps: AppsV1Api, image: string) =>
  apps.patchNamespacedDeployment(
    {
      namespace: 'default',
      name: 'web',
      body: { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
  );

const readWeb = (apps: AppsV1Api) =>
  apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });

describe('drift', () => {
  it('appears in the derived room after an out-of-band scale, and again after an image change', async () => {
    const { hub, apps } = await hubWithSandbox();
    const { derived, componentOf } = await deployed(hub, WEB_DEPLOYMENT);
    const web = componentOf('Deployment', 'web');

    await scaleWeb(apps, 5);
    const replicas = await driftAt(derived, 'config.spec.replicas');
    expect(replicas).toEqual({
      connection: 'sandbox',
      component: web,
      kind: 'Deployment',
      namespace: 'default',
      name: 'web',
      path: 'config.spec.replicas',
      designValue: 2,
      clusterValue: 5,
      message: 'replicas is 5 on Sandbox; the design says 2',
    });

    await setImage(apps, 'nginx:1.28');
    const image = await driftAt(derived, 'config.spec.template.spec.containers[0].image');
    expect(image).toMatchObject({
      component: web,
      designValue: 'nginx:1.27',
      clusterValue: 'nginx:1.28',
    });
    expect(readDrift(derived.doc)[web]).toHaveLength(2);
  });

  it('clears after a re-apply, which puts the design back on the cluster', async () => {
    const { hub, apps } = await hubWithSandbox();
    const { design, derived, componentOf } = await deployed(hub, WEB_DEPLOYMENT);
    await scaleWeb(apps, 5);
    await setImage(apps, 'nginx:1.28');
    await driftAt(derived, 'config.spec.replicas');
    await driftAt(derived, 'config.spec.template.spec.containers[0].image');

    // The scale made the scaler own replicas: a plain deploy conflicts, and the drift stays.
    const refused = await deployAndWait(hub.url, design, { connections: ['sandbox'] });
    expect(refused.state).toBe('failed');
    expect(refused.resources[0]).toMatchObject({ conflict: true });
    // The deploy cleared drift when it started; seen to finish, the drift found again is new.
    await waitFor(() => readDeployments(derived.doc).sandbox?.deployment === refused.id, {
      what: 'the derived room to show the failed deploy',
    });
    await driftAt(derived, 'config.spec.replicas');

    // Re-applying takes the fields back from whoever changed them: a forced deploy.
    const again = await deployAndWait(hub.url, design, { connections: ['sandbox'], force: true });
    expect(again.state).toBe('succeeded');
    const cluster = await readWeb(apps);
    expect(cluster.spec?.replicas).toBe(2);
    expect(cluster.spec?.template.spec?.containers[0]?.image).toBe('nginx:1.27');

    // Checked after the deploy: a later change is the only drift, so the old drift is gone.
    await apps.patchNamespacedDeployment(
      { namespace: 'default', name: 'web', body: { metadata: { labels: { app: 'other' } } } },
      mergePatch(),
    );
    await driftAt(derived, 'labels.app');
    expect(allDrift(derived).map((finding) => [finding.component, finding.path])).toEqual([
      [componentOf('Deployment', 'web'), 'labels.app'],
    ]);
  });

  it('is adopted into the design, which its editors see, and then clears', async () => {
    const { hub, apps } = await hubWithSandbox();
    const { design, derived, componentOf } = await deployed(hub, WEB_DEPLOYMENT);
    const web = componentOf('Deployment', 'web');
    const editor = connectClient(hub.wsUrl, designRoom(design));
    await editor.synced();
    await scaleWeb(apps, 5);
    await setImage(apps, 'nginx:1.28');
    await driftAt(derived, 'config.spec.replicas');
    await driftAt(derived, 'config.spec.template.spec.containers[0].image');

    const adopted = await api<{ adopted: DriftFinding[] }>(
      hub.url,
      'POST',
      `/api/designs/${design}/drift/adopt`,
      { connection: 'sandbox', component: web, paths: ['config.spec.replicas'] },
    );
    expect(adopted.status, JSON.stringify(adopted.body)).toBe(200);
    expect(adopted.body.adopted).toEqual([
      expect.objectContaining({ path: 'config.spec.replicas', designValue: 2, clusterValue: 5 }),
    ]);

    await waitFor(
      () =>
        (readComponentById(editor.doc, web)?.config.spec as { replicas?: number }).replicas === 5,
      { what: 'the editor to see replicas 5' },
    );
    const manifests = await fetch(`${hub.url}/api/designs/${design}/manifests`);
    expect(await manifests.text()).toMatch(/replicas: 5/);
    await waitFor(() => !allDrift(derived).some((f) => f.path === 'config.spec.replicas'), {
      what: 'the replicas drift to clear',
    });
    // Only what was named was adopted: the image still drifts.
    expect(allDrift(derived).map((finding) => finding.path)).toEqual([
      'config.spec.template.spec.containers[0].image',
    ]);

    // Without paths, everything that drifted is adopted.
    const rest = await api<{ adopted: DriftFinding[] }>(
      hub.url,
      'POST',
      `/api/designs/${design}/drift/adopt`,
      { connection: 'sandbox', component: web },
    );
    expect(rest.body.adopted.map((finding) => finding.clusterValue)).toEqual(['nginx:1.28']);
    await waitFor(() => allDrift(derived).length === 0, { what: 'all drift to clear' });
    const container = (
      readComponentById(editor.doc, web)?.config.spec as {
        template: { spec: { containers: { image: string }[] } };
      }
    ).template.spec.containers[0];
    expect(container?.image).toBe('nginx:1.28');
  });

  it('outlasts a dry-run, also when the design is opened again later', async () => {
    const { hub, apps } = await hubWithSandbox();
    const { design, derived } = await deployed(hub, WEB_DEPLOYMENT);
    const preview = await deployAndWait(hub.url, design, {
      connections: ['sandbox'],
      dryRun: true,
    });
    expect(preview.state).toBe('succeeded');
    await waitFor(() => readDeployments(derived.doc).sandbox?.deployment === preview.id, {
      what: 'the derived room to show the dry-run',
    });
    await scaleWeb(apps, 3);
    expect(await driftAt(derived, 'config.spec.replicas')).toMatchObject({ clusterValue: 3 });

    // Closed: every room unloads. Opened again: the latest real deploy is found among those kept.
    derived.destroy();
    await waitFor(async () => (await metric(hub.url, 'weft_rooms_open')) === 0, {
      what: 'the rooms to unload',
    });
    await scaleWeb(apps, 4);
    const reopened = connectClient(hub.wsUrl, derivedRoom(design));
    await reopened.synced();
    await waitFor(
      () => allDrift(reopened).find((f) => f.path === 'config.spec.replicas')?.clusterValue === 4,
      { what: 'drift of replicas 4' },
    );
  });

  it('reports nothing after a clean deploy of ports, quantities and env vars', async () => {
    const { hub, core } = await hubWithSandbox();
    const { derived, componentOf } = await deployed(hub, API);

    // A change to one object proves a check ran over all of them: it is the only drift.
    await core.patchNamespacedConfigMap(
      { namespace: 'default', name: 'api-settings', body: { data: { LEVEL: 'debug' } } },
      mergePatch(),
    );
    const level = await driftAt(derived, 'config.data.LEVEL');
    expect(level).toMatchObject({
      component: componentOf('ConfigMap', 'api-settings'),
      designValue: 'info',
      clusterValue: 'debug',
      message: 'LEVEL is "debug" on Sandbox; the design says "info"',
    });
    expect(allDrift(derived)).toEqual([level]);
  });

  it('reports a deleted object, which cannot be adopted, and is removed on undeploy', async () => {
    const { hub, apps } = await hubWithSandbox();
    const { design, derived, componentOf } = await deployed(hub, WEB_DEPLOYMENT);
    const web = componentOf('Deployment', 'web');

    await apps.deleteNamespacedDeployment({ namespace: 'default', name: 'web' });
    const missing = await driftAt(derived, 'config');
    expect(missing).toMatchObject({
      component: web,
      clusterValue: null,
      message: 'Deployment web is missing on Sandbox',
    });
    expect(missing.designValue).toMatchObject({ spec: { replicas: 2 } });

    const refused = await api<ApiError>(hub.url, 'POST', `/api/designs/${design}/drift/adopt`, {
      connection: 'sandbox',
      component: web,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('object_missing');

    const gone = await deployAndWait(hub.url, design, { connections: ['sandbox'] }, 'undeploy');
    expect(gone.state).toBe('succeeded');
    await waitFor(() => Object.keys(readDrift(derived.doc)).length === 0, {
      what: 'drift to be removed',
    });
  });

  it('refuses bad adopt requests with 400, an unknown design with 404, and an undeployed one with 409', async () => {
    const { hub } = await hubWithSandbox();
    const design = await importDesign(hub.url, WEB_DEPLOYMENT);
    const { body: detail } = await api<{ components: { id: string }[] }>(
      hub.url,
      'GET',
      `/api/designs/${design}`,
    );
    const web = detail.components[0]!.id;
    const adopt = (body: unknown, id = design) =>
      api<ApiError>(hub.url, 'POST', `/api/designs/${id}/drift/adopt`, body);

    for (const [body, code] of [
      ['{not json', 'invalid_json'],
      [[], 'invalid_body'],
      [{ connection: 'sandbox' }, 'invalid_body'],
      [{ component: web }, 'invalid_body'],
      [{ connection: 'sandbox', component: web, extra: 1 }, 'invalid_body'],
      [{ connection: 'sandbox', component: web, paths: 'config.spec.replicas' }, 'invalid_body'],
      [{ connection: 'sandbox', component: web, paths: [] }, 'invalid_body'],
      [{ connection: 'sandbox', component: web, paths: [7] }, 'invalid_body'],
      [{ connection: 'nowhere', component: web }, 'unknown_connection'],
      [{ connection: 'sandbox', component: 'nothing' }, 'unknown_component'],
    ] as const) {
      const response = await adopt(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code, JSON.stringify(body)).toBe(code);
    }

    const unknown = await adopt({ connection: 'sandbox', component: web }, 'no-such-design');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');

    const undeployed = await adopt({ connection: 'sandbox', component: web });
    expect(undeployed.status).toBe(409);
    expect(undeployed.body.error.code).toBe('not_deployed');
  });
});
