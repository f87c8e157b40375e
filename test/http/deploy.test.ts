/**
 * Deploying designs to the hub's sandbox (and a second sandbox as a second cluster) over HTTPS
 * through `@kubernetes/client-node`, checked on the clusters themselves.
 */
import { readFile } from 'node:fs/promises';
import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { ConnectionView } from '../../shared/operate/connections.js';
import {
  COMPONENT_ANNOTATION,
  DESIGN_LABEL,
  type Deployment,
} from '../../shared/deploy/deployment.js';
import { DesignKey, writeComponentValue } from '../../shared/design/convert.js';
import { readDeployments } from '../../shared/design/derived.js';
import { removeComponents } from '../../shared/design/edits.js';
import { derivedRoom, designRoom } from '../../shared/rooms.js';
import { api, importDesign, type DesignJson } from '../helpers/api.js';
import { connectClient } from '../helpers/client.js';
import { deployAndWait, deploymentFinished } from '../helpers/deployments.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { tempDir } from '../helpers/tempDir.js';
import { storeDesign } from '../helpers/storedDesign.js';
import { closedPort } from '../helpers/silentServer.js';

const SHOP = `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          envFrom: [{configMapRef: {name: web-settings}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-settings, namespace: shop}
data: {MODE: fast}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: extra, namespace: shop}
data: {KEEP: "no"}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
`;

interface ApiError {
  error: { code: string; message: string };
}

async function hubWithSandbox(): Promise<{ hub: TestHub; cluster: KubernetesObjectApi }> {
  const hub = await startTestHub({ sandbox: true, sandboxPodStartMs: 50 });
  const kc = new KubeConfig();
  kc.loadFromFile(hub.hub.sandbox!.kubeconfigPath);
  return { hub, cluster: KubernetesObjectApi.makeApiClient(kc) };
}

const deploy = deployAndWait;

const read = (cluster: KubernetesObjectApi, kind: string, name: string, namespace = 'shop') =>
  cluster.read({
    apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
    kind,
    metadata: { name, namespace },
  });

const exists = async (...args: Parameters<typeof read>) =>
  read(...args).then(
    () => true,
    () => false,
  );

const resourceOf = (deployment: Deployment, kind: string, name: string) =>
  deployment.resources.find((r) => r.kind === kind && r.name === name);

describe('deploy', () => {
  it('applies a design in dependency order with its labels, waits for Ready, and reports live in the derived room', async () => {
    const { hub, cluster } = await hubWithSandbox();
    const design = await importDesign(hub.url, SHOP, 'shop');
    const { body: detail } = await api<DesignJson>(hub.url, 'GET', `/api/designs/${design}`);
    const watcher = connectClient(hub.wsUrl, derivedRoom(design));
    await watcher.synced();

    const deployment = await deploy(hub.url, design, { connections: ['sandbox'] });
    expect(deployment).toMatchObject({
      design,
      action: 'deploy',
      connections: ['sandbox'],
      state: 'succeeded',
      errors: {},
    });
    expect(deployment.resources).toHaveLength(5);
    expect(Date.parse(deployment.appliedAt!)).toBeLessThanOrEqual(
      Date.parse(deployment.finishedAt!),
    );
    expect(deployment.resources.every((r) => r.state === 'ready')).toBe(true);
    expect(resourceOf(deployment, 'Deployment', 'web')?.message).toBe('2/2 ready');

    const web = (await read(cluster, 'Deployment', 'web')) as KubernetesObject & {
      status: { readyReplicas: number };
    };
    const component = detail.components!.find(
      (c) => c.id === resourceOf(deployment, 'Deployment', 'web')!.component,
    );
    expect(web.metadata?.labels?.[DESIGN_LABEL]).toBe(design);
    expect(web.metadata?.annotations?.[COMPONENT_ANNOTATION]).toBe(component!.id);
    expect(web.metadata?.managedFields?.map((f) => f.manager)).toContain('weft');
    expect(web.status.readyReplicas).toBe(2);

    await expect.poll(() => readDeployments(watcher.doc).sandbox?.state).toBe('succeeded');
    expect(readDeployments(watcher.doc).sandbox?.deployment).toBe(deployment.id);
  });

  it('dry-runs without writing anything and maps what the API server refuses to component fields', async () => {
    const { hub, cluster } = await hubWithSandbox();
    const broken = SHOP.replaceAll('namespace: shop', 'namespace: default')
      .replace(
        'template:\n    metadata: {labels: {app: web}}',
        'template:\n    metadata: {labels: {app: other}}',
      )
      .replace(/---\napiVersion: v1\nkind: Namespace[^]*$/, '');
    const design = await importDesign(hub.url, broken, 'broken');

    const deployment = await deploy(hub.url, design, { connections: ['sandbox'], dryRun: true });
    expect(deployment.dryRun).toBe(true);
    expect(deployment.state).toBe('failed');
    const web = resourceOf(deployment, 'Deployment', 'web')!;
    expect(web.state).toBe('failed');
    expect(web.problems).toEqual([
      expect.objectContaining({
        field: 'spec.template.metadata.labels',
        path: 'config.spec.template.metadata.labels',
      }),
    ]);
    expect(resourceOf(deployment, 'ConfigMap', 'extra')).toMatchObject({
      state: 'applied',
      message: 'would apply',
    });
    expect(await exists(cluster, 'ConfigMap', 'extra', 'default')).toBe(false);

    // In a namespace the design creates, the API server can check nothing more: said so.
    const shop = await importDesign(hub.url, SHOP, 'shop');
    const preview = await deploy(hub.url, shop, { connections: ['sandbox'], dryRun: true });
    expect(preview.state).toBe('succeeded');
    expect(resourceOf(preview, 'ConfigMap', 'extra')?.message).toMatch(
      /not checked further, as namespace shop does not exist yet/,
    );
    expect(await exists(cluster, 'Namespace', 'shop', '')).toBe(false);
  });

  it('applies only what changed on redeploy, and prunes what left the design (shown first by a dry-run)', async () => {
    const { hub, cluster } = await hubWithSandbox();
    const design = await importDesign(hub.url, SHOP, 'shop');
    const first = await deploy(hub.url, design, { connections: ['sandbox'] });
    expect(first.state).toBe('succeeded');
    const versionOf = async (kind: string, name: string) =>
      (await read(cluster, kind, name)).metadata?.resourceVersion;
    // A Deployment's status moves on its own; its generation counts changes to what we set.
    const generationOfWeb = async () =>
      (await read(cluster, 'Deployment', 'web')).metadata?.generation;
    const before = {
      settings: await versionOf('ConfigMap', 'web-settings'),
      web: await generationOfWeb(),
      service: await versionOf('Service', 'web'),
    };

    const editor = connectClient(hub.wsUrl, designRoom(design), { acks: true });
    await editor.synced();
    editor.doc.transact(() => {
      writeComponentValue(
        editor.doc,
        resourceOf(first, 'ConfigMap', 'web-settings')!.component!,
        ['config', 'data', 'MODE'],
        'safe',
      );
      removeComponents(editor.doc, [resourceOf(first, 'ConfigMap', 'extra')!.component!]);
    });
    await editor.saved();
    expect(editor.doc.getMap(DesignKey.components).size).toBe(4);

    const preview = await deploy(hub.url, design, { connections: ['sandbox'], dryRun: true });
    expect(preview.resources.filter((r) => r.action === 'prune')).toEqual([
      expect.objectContaining({
        kind: 'ConfigMap',
        name: 'extra',
        state: 'applied',
        message: 'would delete',
      }),
    ]);
    expect(await exists(cluster, 'ConfigMap', 'extra')).toBe(true);

    const second = await deploy(hub.url, design, { connections: ['sandbox'] });
    expect(second.state).toBe('succeeded');
    expect(await versionOf('ConfigMap', 'web-settings')).not.toBe(before.settings);
    expect(await generationOfWeb()).toBe(before.web);
    expect(await versionOf('Service', 'web')).toBe(before.service);
    await expect.poll(() => exists(cluster, 'ConfigMap', 'extra')).toBe(false);
  });

  it('reports a conflict with another field manager, and takes the field over only with force', async () => {
    const { hub, cluster } = await hubWithSandbox();
    const design = await importDesign(hub.url, SHOP, 'shop');
    await deploy(hub.url, design, { connections: ['sandbox'] });
    await cluster.patch(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { replicas: 5 },
      },
      undefined,
      undefined,
      'someone-else',
      true,
      PatchStrategy.ServerSideApply,
    );

    const refused = await deploy(hub.url, design, { connections: ['sandbox'] });
    expect(refused.state).toBe('failed');
    const web = resourceOf(refused, 'Deployment', 'web')!;
    expect(web).toMatchObject({ state: 'failed', conflict: true });
    expect(web.message).toMatch(/someone-else/);
    expect(
      ((await read(cluster, 'Deployment', 'web')) as { spec: { replicas: number } }).spec.replicas,
    ).toBe(5);

    const forced = await deploy(hub.url, design, { connections: ['sandbox'], force: true });
    expect(forced.state).toBe('succeeded');
    expect(
      ((await read(cluster, 'Deployment', 'web')) as { spec: { replicas: number } }).spec.replicas,
    ).toBe(2);
  });

  it('undeploys in reverse order until nothing labelled with the design is left', async () => {
    const { hub, cluster } = await hubWithSandbox();
    const design = await importDesign(hub.url, SHOP, 'shop');
    await deploy(hub.url, design, { connections: ['sandbox'] });
    const gone = await deploy(hub.url, design, { connections: ['sandbox'] }, 'undeploy');
    expect(gone.state).toBe('succeeded');
    expect(gone.resources.map((r) => [r.action, r.state])).toEqual(
      Array.from({ length: 5 }, () => ['delete', 'ready']),
    );
    for (const [apiVersion, kind] of [
      ['v1', 'Namespace'],
      ['v1', 'ConfigMap'],
      ['v1', 'Service'],
      ['apps/v1', 'Deployment'],
      ['apps/v1', 'ReplicaSet'],
      ['v1', 'Pod'],
    ] as const) {
      const list = await cluster.list(
        apiVersion,
        kind,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        `${DESIGN_LABEL}=${design}`,
      );
      expect({ kind, left: list.items.length }).toEqual({ kind, left: 0 });
    }
  });

  it('refuses to deploy a design whose id cannot be a label value, saying what to do instead', async () => {
    // Ids made before deployments could end in "-" or "_", which a Kubernetes label value
    // cannot; such a design is stored as it was, so write one straight into a data folder.
    const data = await tempDir();
    const legacy = 'made-before_';
    await storeDesign(data, legacy, 'old');
    const hub = await startTestHub({ data, sandbox: true, sandboxPodStartMs: 50 });
    expect((await api<DesignJson>(hub.url, 'GET', `/api/designs/${legacy}`)).body.name).toBe('old');
    const refused = await api<ApiError>(hub.url, 'POST', `/api/designs/${legacy}/deploy`, {
      connections: ['sandbox'],
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('id_not_a_label');
    expect(refused.body.error.message).toContain('Import its manifests as a new design');
  });

  it('refuses a design with errors unless forced, fails a rollout that never becomes Ready, and keeps going where a cluster is unreachable', async () => {
    const { hub } = await hubWithSandbox();
    const invalid = await importDesign(
      hub.url,
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad}\ndata: {count: 3}\n',
      'invalid',
    );
    await expect
      .poll(
        async () =>
          Object.keys(
            (
              await api<DesignJson & { findings: object }>(
                hub.url,
                'GET',
                `/api/designs/${invalid}`,
              )
            ).body.findings,
          ).length,
      )
      .toBe(1);
    const refused = await api<ApiError>(hub.url, 'POST', `/api/designs/${invalid}/deploy`, {
      connections: ['sandbox'],
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'validation_failed' });
    expect(refused.body.error.message).toContain('ConfigMap bad');

    const crashing = await importDesign(
      hub.url,
      SHOP.replace('nginx:1.27', 'registry.example/crash:1').replace('replicas: 2', 'replicas: 1'),
      'crashing',
    );
    const kubeconfig = parse(await readFile(hub.hub.sandbox!.kubeconfigPath, 'utf8')) as {
      clusters: { cluster: Record<string, unknown> }[];
    };
    const port = await closedPort();
    kubeconfig.clusters[0]!.cluster.server = `https://127.0.0.1:${port}`;
    const { body: away } = await api<ConnectionView>(hub.url, 'POST', '/api/connections', {
      name: 'away',
      kubeconfig: stringify(kubeconfig),
    });
    const deployment = await deploy(hub.url, crashing, {
      connections: ['sandbox', away.id],
      timeoutSeconds: 2,
    });
    expect(deployment.state).toBe('failed');
    const web = deployment.resources.find(
      (r) => r.connection === 'sandbox' && r.kind === 'Deployment',
    )!;
    expect(web.state).toBe('failed');
    expect(web.message).toMatch(/^not done after 2 s: 0\/1 ready/);
    const sandboxSettings = deployment.resources.find(
      (r) => r.connection === 'sandbox' && r.name === 'web-settings',
    );
    expect(sandboxSettings?.state).toBe('ready');
    // The unreachable cluster fails as a whole, with the reason once.
    expect(deployment.errors[away.id]).toMatch(
      /^could not reach the cluster: connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
    );
    const awayResources = deployment.resources.filter((r) => r.connection === away.id);
    expect(awayResources.every((r) => r.state === 'failed')).toBe(true);
    expect(awayResources.every((r) => r.message === 'not done')).toBe(true);
  });

  it('deploys to two clusters at once through an environment', async () => {
    const { hub, cluster } = await hubWithSandbox();
    const second = await startTestSandbox({ timings: { podStartMs: 50 } });
    const { body: added } = await api<ConnectionView>(hub.url, 'POST', '/api/connections', {
      name: 'second',
      kubeconfig: await readFile(second.kubeconfigPath, 'utf8'),
    });
    const { body: both } = await api<{ id: string }>(hub.url, 'POST', '/api/environments', {
      name: 'both',
      connections: ['sandbox', added.id],
    });
    const design = await importDesign(hub.url, SHOP, 'shop');
    const deployment = await deploy(hub.url, design, { environment: both.id });
    expect(deployment.connections).toEqual(['sandbox', added.id]);
    expect(deployment.state).toBe('succeeded');
    expect(await exists(cluster, 'Deployment', 'web')).toBe(true);
    expect(await exists(KubernetesObjectApi.makeApiClient(second.kc), 'Deployment', 'web')).toBe(
      true,
    );
  });

  it('answers bad requests clearly and runs one deployment per design and cluster at a time', async () => {
    const { hub } = await hubWithSandbox();
    const design = await importDesign(hub.url, SHOP, 'shop');
    const bad: [path: string, body: unknown, status: number, code: string][] = [
      [`/api/designs/${design}/deploy`, {}, 400, 'invalid_body'],
      [`/api/designs/${design}/deploy`, { connections: ['nope'] }, 400, 'unknown_connection'],
      [`/api/designs/${design}/deploy`, { connections: 'sandbox' }, 400, 'invalid_body'],
      [
        `/api/designs/${design}/deploy`,
        { connections: ['sandbox'], dryRun: 'yes' },
        400,
        'invalid_body',
      ],
      [
        `/api/designs/${design}/deploy`,
        { connections: ['sandbox'], timeoutSeconds: 0 },
        400,
        'invalid_body',
      ],
      [
        `/api/designs/${design}/deploy`,
        { connections: ['sandbox'], color: 'red' },
        400,
        'invalid_body',
      ],
      [`/api/designs/${design}/deploy`, { environment: 'nope' }, 404, 'not_found'],
      [`/api/designs/${design}/deploy`, '{"connections":', 400, 'invalid_json'],
      ['/api/designs/AAAAAAAAAAAA/deploy', { connections: ['sandbox'] }, 404, 'not_found'],
    ];
    for (const [path, body, status, code] of bad) {
      const response = await api<ApiError>(hub.url, 'POST', path, body);
      expect({ path, body, status: response.status, code: response.body.error.code }).toEqual({
        path,
        body,
        status,
        code,
      });
    }
    expect((await api(hub.url, 'GET', '/api/deployments/nope')).status).toBe(404);

    const first = await api<Deployment>(hub.url, 'POST', `/api/designs/${design}/deploy`, {
      connections: ['sandbox'],
    });
    const again = await api<ApiError>(hub.url, 'POST', `/api/designs/${design}/deploy`, {
      connections: ['sandbox'],
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('deployment_running');
    expect((await deploymentFinished(hub.url, first.body.id)).state).toBe('succeeded');
  });
});
