/**
 * Live cluster rooms (`clusters/<connectionId>`) against real sandboxes, followed with the stock
 * y-websocket client: what they hold, how fast they follow the cluster, and how many watches
 * they cost.
 */
import { readFile } from 'node:fs/promises';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  readClusterEvents,
  readClusterRelationships,
  readClusterResources,
  readViewState,
} from '../../shared/cluster/clusterRoom.js';
import { clusterRoom } from '../../shared/rooms.js';
import { CloseCode } from '../../shared/protocol.js';
import type { ConnectionView } from '../../shared/operate/connections.js';
import { api } from '../helpers/api.js';
import { connectClient, type TestClient } from '../helpers/client.js';
import { startTestHub } from '../helpers/hub.js';
import { deploymentManifest } from '../helpers/kubeManifests.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { waitFor } from '../helpers/wait.js';

const find = (client: TestClient, kind: string, name: string) =>
  readClusterResources(client.doc).find((r) => r.kind === kind && r.name === name);

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
}

describe('cluster rooms', () => {
  it('shows the cluster live, scale and delete included, to every viewer from one set of watches', async () => {
    const hub = await startTestHub({ sandbox: true, sandboxPodStartMs: 50 });
    const kc = new KubeConfig();
    kc.loadFromFile(hub.hub.sandbox!.kubeconfigPath);
    const viewers = Array.from({ length: 3 }, () =>
      connectClient(hub.wsUrl, clusterRoom('sandbox')),
    );
    await Promise.all(viewers.map((viewer) => viewer.synced()));
    const [first] = viewers;
    await waitFor(() => readViewState(first!.doc).state === 'live', {
      what: 'the view to go live',
    });
    expect(find(first!, 'Node', 'sandbox-node-1')).toBeDefined();
    const watches = await metric(hub.url, 'weft_cluster_watches');
    expect(watches).toBeGreaterThan(10);

    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deploymentManifest('web', { replicas: 2 }),
    });
    await waitFor(() => find(first!, 'Deployment', 'web')?.ready === 2, { what: '2 ready' });
    const web = find(first!, 'Deployment', 'web')!;
    expect(web).toMatchObject({ namespace: 'default', desired: 2, selector: { app: 'web' } });
    const pods = readClusterResources(first!.doc).filter(
      (r) => r.kind === 'Pod' && r.labels.app === 'web',
    );
    expect(pods).toHaveLength(2);
    expect(pods[0]!.ownerReferences[0]?.kind).toBe('ReplicaSet');
    expect(pods[0]!.node).toMatch(/^sandbox-node-/);
    expect(readClusterEvents(first!.doc).some((e) => e.object.kind === 'Pod')).toBe(true);

    await apps.patchNamespacedDeploymentScale(
      { namespace: 'default', name: 'web', body: { spec: { replicas: 3 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    for (const viewer of viewers) {
      await waitFor(() => find(viewer, 'Deployment', 'web')?.ready === 3, { what: '3 ready' });
    }
    await apps.deleteNamespacedDeployment({ namespace: 'default', name: 'web' });
    for (const viewer of viewers) {
      await waitFor(() => find(viewer, 'Deployment', 'web') === undefined, { what: 'deleted' });
    }
    // Three viewers, one set of watches.
    expect(await metric(hub.url, 'weft_cluster_watches')).toBe(watches);

    // A viewer cannot write: its edit changes nothing the others see.
    first!.doc.getMap('resources').set('forged', { kind: 'Pod', name: 'forged' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const late = connectClient(hub.wsUrl, clusterRoom('sandbox'));
    await late.synced();
    expect(late.doc.getMap('resources').has('forged')).toBe(false);

    // Once every viewer has left and the grace period is over, the watches stop.
    for (const viewer of [...viewers, late]) viewer.destroy();
    await waitFor(async () => (await metric(hub.url, 'weft_cluster_watches')) === 0, {
      what: 'the watches to stop',
    });
  });

  it('draws the live topology: ownership, selectors and mounts, following changes', async () => {
    const hub = await startTestHub({ sandbox: true, sandboxPodStartMs: 20 });
    const kc = new KubeConfig();
    kc.loadFromFile(hub.hub.sandbox!.kubeconfigPath);
    const viewer = connectClient(hub.wsUrl, clusterRoom('sandbox'));
    await viewer.synced();
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'settings' }, data: { mode: 'fast' } },
    });
    const body = deploymentManifest('api', { replicas: 1 });
    body.spec!.template.spec!.volumes = [{ name: 'conf', configMap: { name: 'settings' } }];
    await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({ namespace: 'default', body });
    await core.createNamespacedService({
      namespace: 'default',
      body: {
        metadata: { name: 'api' },
        spec: { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    });
    // "definition kind name -> kind name" for every line between the app's objects.
    const lines = () => {
      const byUid = new Map(readClusterResources(viewer.doc).map((r) => [r.uid, r]));
      const named = (uid: string) => {
        const resource = byUid.get(uid);
        return resource ? `${resource.kind} ${resource.name.replace(/-.*$/, '-*')}` : '?';
      };
      return [...readClusterRelationships(viewer.doc).values()]
        .map((r) => `${r.definition} ${named(r.from)} -> ${named(r.to)}`)
        .filter((line) => !line.includes('?'))
        .sort();
    };
    await waitFor(() => lines().length >= 8, { what: 'the topology' });
    expect(lines()).toEqual([
      'kubernetes/configmap-reference ConfigMap settings -> Deployment api',
      'kubernetes/configmap-reference ConfigMap settings -> Pod api-*',
      'kubernetes/configmap-reference ConfigMap settings -> ReplicaSet api-*',
      'kubernetes/owner-reference Deployment api -> ReplicaSet api-*',
      'kubernetes/owner-reference ReplicaSet api-* -> Pod api-*',
      'kubernetes/service-selects-pod Service api -> Pod api-*',
      'kubernetes/service-selects-workload Service api -> Deployment api',
      'kubernetes/service-selects-workload Service api -> ReplicaSet api-*',
    ]);

    // A Service that stops selecting the app loses its lines.
    await core.patchNamespacedService(
      { namespace: 'default', name: 'api', body: { spec: { selector: { app: 'other' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor(() => !lines().some((line) => line.startsWith('kubernetes/service')), {
      what: 'the selector lines to go',
    });
    expect(lines()).toHaveLength(5);
  });

  it('refuses rooms of unknown connections, and follows a cluster that drops its watches or forgets their history', async () => {
    // Every watch is cut off after its first event, and resuming is possible only from the
    // last 5 changes: the view must reconnect again and again, and relist after 410 Gone.
    const second = await startTestSandbox({
      historyLimit: 5,
      watchLimits: { maxQueuedBytes: 1 },
      timings: { podStartMs: 50 },
    });
    const hub = await startTestHub();
    const unknown = connectClient(hub.wsUrl, clusterRoom('nope'));
    await waitFor(() => unknown.closes.some((c) => c.code === CloseCode.notFound), {
      what: 'a 4404 close',
    });

    const { body: added } = await api<ConnectionView>(hub.url, 'POST', '/api/connections', {
      name: 'second',
      kubeconfig: await readFile(second.kubeconfigPath, 'utf8'),
    });
    const viewer = connectClient(hub.wsUrl, clusterRoom(added.id));
    await viewer.synced();
    await waitFor(() => readViewState(viewer.doc).state === 'live', { what: 'live' });
    const core = second.kc.makeApiClient(CoreV1Api);
    for (let i = 0; i < 30; i++) {
      await core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: `burst-${i}` } },
      });
    }
    await waitFor(
      () =>
        readClusterResources(viewer.doc).filter((r) => r.name.startsWith('burst-')).length === 30,
      { what: 'all 30 ConfigMaps' },
    );
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'burst-7' });
    await waitFor(() => find(viewer, 'ConfigMap', 'burst-7') === undefined, { what: 'the delete' });

    // The cluster goes away: the room says so, and keeps what it last knew.
    await second.close();
    await waitFor(() => readViewState(viewer.doc).state === 'stale', {
      what: 'the view to go stale',
      timeoutMs: 15_000,
    });
    expect(readViewState(viewer.doc).error).toMatch(/ECONNREFUSED|socket|closed|terminated/i);
    expect(find(viewer, 'ConfigMap', 'burst-8')).toBeDefined();
  });
});
