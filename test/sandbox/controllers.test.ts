/**
 * The sandbox's controllers through client-node: Deployments roll out to ready pods on nodes,
 * scale, restart into a new ReplicaSet; deletes cascade by ownerReferences; namespaces empty
 * themselves; Services get endpoints; failing images show as failures.
 */
import {
  AppsV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  setHeaderOptions,
  PatchStrategy,
  type V1Namespace,
  type V1Pod,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { deploymentManifest } from '../helpers/kubeManifests.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { waitFor } from '../helpers/wait.js';

async function sandboxClients(podStartMs = 20) {
  const { kc } = await startTestSandbox({ timings: { podStartMs, jobPodRunMs: 50 } });
  return { apps: kc.makeApiClient(AppsV1Api), core: kc.makeApiClient(CoreV1Api), kc };
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const podsOf = async (core: CoreV1Api, app: string, namespace = 'default') =>
  (await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` })).items;
const isReady = (pod: V1Pod) =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

describe('sandbox controllers', () => {
  it('rolls a Deployment out to ready pods on the nodes', async () => {
    const { apps, core } = await sandboxClients();
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deploymentManifest('web', { replicas: 3 }),
    });
    const ready = await waitFor(
      async () => {
        const read = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
        return read.status?.availableReplicas === 3 && read;
      },
      { what: 'three available replicas' },
    );
    expect(ready.status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      observedGeneration: 1,
    });
    expect(ready.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
    expect(ready.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    const pods = await podsOf(core, 'web');
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.status?.phase).toBe('Running');
      expect(pod.spec?.nodeName).toMatch(/^sandbox-node-\d$/);
      expect(pod.status?.podIP).toMatch(/^10\.244\./);
      expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({
        kind: 'ReplicaSet',
        controller: true,
      });
    }
    // Spread over the nodes: the least loaded one is picked each time.
    expect(new Set(pods.map((pod) => pod.spec?.nodeName)).size).toBe(3);
    const events = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'reason=Scheduled',
    });
    expect(events.items).toHaveLength(3);
  });

  it('scales up and down', async () => {
    const { apps, core } = await sandboxClients();
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deploymentManifest('web', { replicas: 2 }),
    });
    await apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'default', body: { spec: { replicas: 5 } } },
      mergePatch,
    );
    await waitFor(async () => (await podsOf(core, 'web')).filter(isReady).length === 5, {
      what: 'five ready pods',
    });
    await apps.patchNamespacedDeploymentScale(
      { name: 'web', namespace: 'default', body: { spec: { replicas: 1 } } },
      mergePatch,
    );
    await waitFor(async () => (await podsOf(core, 'web')).length === 1, { what: 'one pod left' });
    await waitFor(
      async () =>
        (await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' })).status
          ?.replicas === 1,
      { what: 'the status to follow' },
    );
  });

  it('restarts a rollout into a new ReplicaSet and retires the old one', async () => {
    const { apps, core } = await sandboxClients();
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deploymentManifest('web', { replicas: 3 }),
    });
    await waitFor(
      async () =>
        (await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' })).status
          ?.availableReplicas === 3,
    );
    const before = (await apps.listNamespacedReplicaSet({ namespace: 'default' })).items.map(
      (set) => set.metadata!.name!,
    );
    // What `kubectl rollout restart` sends.
    await apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: 'default',
        body: {
          spec: {
            template: {
              metadata: {
                annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() },
              },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const done = await waitFor(
      async () => {
        const read = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
        const complete =
          read.status?.conditions?.find((c) => c.type === 'Progressing')?.reason ===
          'NewReplicaSetAvailable';
        return complete && read.status?.updatedReplicas === 3 && read.status.replicas === 3 && read;
      },
      { what: 'the restarted rollout to complete' },
    );
    expect(done.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    const sets = (await apps.listNamespacedReplicaSet({ namespace: 'default' })).items;
    expect(sets).toHaveLength(2);
    const [old] = sets.filter((set) => before.includes(set.metadata!.name!));
    expect(old?.spec?.replicas).toBe(0);
    const current = sets.find((set) => !before.includes(set.metadata!.name!))!;
    const pods = await podsOf(core, 'web');
    expect(
      pods.every((pod) => pod.metadata?.ownerReferences?.[0]?.name === current.metadata?.name),
    ).toBe(true);
  });

  it('cascades deletes in the background, in the foreground, or orphans', async () => {
    const { apps, core } = await sandboxClients();
    for (const name of ['bg', 'fg', 'orphan']) {
      await apps.createNamespacedDeployment({
        namespace: 'default',
        body: deploymentManifest(name),
      });
    }
    await waitFor(
      async () => (await core.listNamespacedPod({ namespace: 'default' })).items.length === 6,
    );

    await apps.deleteNamespacedDeployment({ name: 'bg', namespace: 'default' });
    await waitFor(async () => (await podsOf(core, 'bg')).length === 0, {
      what: 'background cascade',
    });

    await apps.deleteNamespacedDeployment({
      name: 'fg',
      namespace: 'default',
      propagationPolicy: 'Foreground',
    });
    const held = await apps
      .readNamespacedDeployment({ name: 'fg', namespace: 'default' })
      .catch(() => undefined);
    if (held) expect(held.metadata?.finalizers).toContain('foregroundDeletion');
    await waitFor(
      async () =>
        (await podsOf(core, 'fg')).length === 0 &&
        !(await apps.listNamespacedDeployment({ namespace: 'default' })).items.some(
          (d) => d.metadata?.name === 'fg',
        ),
      { what: 'foreground cascade' },
    );

    await apps.deleteNamespacedDeployment({
      name: 'orphan',
      namespace: 'default',
      propagationPolicy: 'Orphan',
    });
    await waitFor(
      async () => !(await apps.listNamespacedDeployment({ namespace: 'default' })).items.length,
    );
    const sets = (await apps.listNamespacedReplicaSet({ namespace: 'default' })).items;
    expect(sets).toHaveLength(1);
    expect(sets[0]?.metadata?.ownerReferences ?? []).toHaveLength(0);
    expect(await podsOf(core, 'orphan')).toHaveLength(2);
  });

  it('empties a namespace that is deleted, then removes it', async () => {
    const { apps, core } = await sandboxClients();
    await core.createNamespace({ body: { metadata: { name: 'team' } } });
    await waitFor(
      async () =>
        (await core.listNamespacedServiceAccount({ namespace: 'team' })).items.length === 1,
      {
        what: 'the default ServiceAccount',
      },
    );
    await apps.createNamespacedDeployment({
      namespace: 'team',
      body: deploymentManifest('api', { namespace: 'team' }),
    });
    await core.createNamespacedConfigMap({
      namespace: 'team',
      body: { metadata: { name: 'settings' } },
    });
    await waitFor(async () => (await podsOf(core, 'api', 'team')).length === 2);
    // The API answers with the Namespace, marked (client-node types it as a Status).
    const terminating = (await core.deleteNamespace({ name: 'team' })) as unknown as V1Namespace;
    expect(terminating.status?.phase).toBe('Terminating');
    await waitFor(
      async () => !(await core.listNamespace()).items.some((ns) => ns.metadata?.name === 'team'),
      {
        what: 'the namespace to go',
      },
    );
    expect(
      (await core.listPodForAllNamespaces()).items.filter(
        (pod) => pod.metadata?.namespace === 'team',
      ),
    ).toHaveLength(0);
  });

  it('gives a Service the endpoints of the ready pods it selects', async () => {
    const { apps, core, kc } = await sandboxClients();
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deploymentManifest('web', { replicas: 2 }),
    });
    await core.createNamespacedService({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      },
    });
    const endpoints = await waitFor(
      async () => {
        const read = await core
          .readNamespacedEndpoints({ name: 'web', namespace: 'default' })
          .catch(() => undefined);
        return read?.subsets?.[0]?.addresses?.length === 2 && read;
      },
      { what: 'two ready addresses' },
    );
    expect(endpoints.subsets?.[0]?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const slices = await kc.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({
      namespace: 'default',
      labelSelector: 'kubernetes.io/service-name=web',
    });
    expect(slices.items[0]?.endpoints).toHaveLength(2);
    await apps.patchNamespacedDeploymentScale(
      { name: 'web', namespace: 'default', body: { spec: { replicas: 0 } } },
      mergePatch,
    );
    await waitFor(
      async () =>
        !(await core.readNamespacedEndpoints({ name: 'web', namespace: 'default' })).subsets
          ?.length,
      {
        what: 'the endpoints to empty',
      },
    );
  });

  it('shows crashing and unpullable images as failures', async () => {
    const { apps, core } = await sandboxClients(0);
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deploymentManifest('crasher', { replicas: 1, image: 'example/crash-loop:1' }),
    });
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deploymentManifest('ghost', { replicas: 1, image: 'example/app:nonexistent' }),
    });
    const waitingReason = async (app: string) =>
      (await podsOf(core, app))[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
    await waitFor(async () => (await waitingReason('crasher')) === 'CrashLoopBackOff', {
      what: 'CrashLoopBackOff',
    });
    await waitFor(async () => (await waitingReason('ghost')) === 'ImagePullBackOff', {
      what: 'ImagePullBackOff',
    });
    const crasher = (await podsOf(core, 'crasher'))[0]!;
    expect(crasher.status?.phase).toBe('Running');
    expect(isReady(crasher)).toBe(false);
    const warnings = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'type=Warning',
    });
    expect(warnings.items.map((event) => event.reason)).toEqual(
      expect.arrayContaining(['BackOff', 'Failed']),
    );
    const status = (await apps.readNamespacedDeployment({ name: 'crasher', namespace: 'default' }))
      .status;
    expect(status?.availableReplicas ?? 0).toBe(0);
  });
});
