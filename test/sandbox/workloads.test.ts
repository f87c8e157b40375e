/**
 * StatefulSets, DaemonSets and volume claims in the sandbox, through client-node: ordinal pods
 * in order with their own claims, scaling and rolling from the highest ordinal, one daemon pod
 * per node, and claims bound to provisioned volumes (or left Pending when they cannot be).
 */
import {
  AppsV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  StorageV1Api,
  Watch,
  type KubeConfig,
  type V1DaemonSet,
  type V1PersistentVolumeClaim,
  type V1Pod,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startTestSandbox } from '../helpers/sandbox.js';
import { waitFor } from '../helpers/wait.js';

const NAMESPACE = 'default';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

async function sandboxClients() {
  const { kc } = await startTestSandbox({ timings: { podStartMs: 10 } });
  return {
    kc,
    apps: kc.makeApiClient(AppsV1Api),
    core: kc.makeApiClient(CoreV1Api),
    storage: kc.makeApiClient(StorageV1Api),
  };
}

const isReady = (pod: V1Pod) =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

interface PodEvent {
  type: string;
  name: string;
  ready: boolean;
}

/** Records every change to the pods labelled `app=<app>`, in order, until `stop` or the end. */
async function watchPods(kc: KubeConfig, app: string) {
  const events: PodEvent[] = [];
  const request = await new Watch(kc).watch(
    `/api/v1/namespaces/${NAMESPACE}/pods`,
    { labelSelector: `app=${app}` },
    (type, pod: V1Pod) =>
      events.push({
        type,
        name: pod.metadata!.name!,
        ready: isReady(pod),
      }),
    () => {},
  );
  const stop = () => request.abort();
  onTestFinished(stop);
  return { events, stop };
}

function statefulSet(name: string, replicas: number, extra: Partial<V1StatefulSet['spec']> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image: 'postgres:16' }] },
      },
      ...extra,
    },
  } satisfies V1StatefulSet;
}

function daemonSet(name: string, nodeSelector?: Record<string, string>): V1DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'agent', image: 'fluentd:1.16' }], nodeSelector },
      },
    },
  };
}

const claim = (name: string, storageClassName?: string): V1PersistentVolumeClaim => ({
  metadata: { name },
  spec: {
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: '2Gi' } },
    ...(storageClassName ? { storageClassName } : {}),
  },
});

/** Whether, in `events`, `name` appears (ADDED) only after `before` was seen ready. */
function addedAfterReady(events: PodEvent[], name: string, before: string): boolean {
  const added = events.findIndex((event) => event.type === 'ADDED' && event.name === name);
  const ready = events.findIndex((event) => event.name === before && event.ready);
  return added >= 0 && ready >= 0 && ready < added;
}

/** One 1 GiB claim named `data` per pod. */
const DATA_CLAIM = {
  metadata: { name: 'data' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
};

/** Waits until the StatefulSet reports `count` ready replicas. */
async function readyReplicas(apps: AppsV1Api, name: string, count: number): Promise<void> {
  await waitFor(
    async () =>
      (await apps.readNamespacedStatefulSet({ name, namespace: NAMESPACE })).status
        ?.readyReplicas === count,
    { what: `${count} ready replicas of ${name}` },
  );
}

describe('sandbox StatefulSets', () => {
  it('creates ordinal pods in order, each once the one before is Running and Ready', async () => {
    const { kc, apps, core } = await sandboxClients();
    const { events, stop } = await watchPods(kc, 'db');
    await apps.createNamespacedStatefulSet({ namespace: NAMESPACE, body: statefulSet('db', 3) });
    const done = await waitFor(
      async () => {
        const read = await apps.readNamespacedStatefulSet({ name: 'db', namespace: NAMESPACE });
        return read.status?.readyReplicas === 3 && read;
      },
      { what: 'three ready replicas' },
    );
    stop();

    expect(done.status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
      collisionCount: 0,
    });
    expect(done.status?.updateRevision).toMatch(/^db-[a-z0-9]+$/);
    expect(done.status?.currentRevision).toBe(done.status?.updateRevision);
    expect(events.filter((event) => event.type === 'ADDED').map((event) => event.name)).toEqual([
      'db-0',
      'db-1',
      'db-2',
    ]);
    expect(addedAfterReady(events, 'db-1', 'db-0')).toBe(true);
    expect(addedAfterReady(events, 'db-2', 'db-1')).toBe(true);

    const pod = await core.readNamespacedPod({ name: 'db-1', namespace: NAMESPACE });
    expect(pod.spec).toMatchObject({ hostname: 'db-1', subdomain: 'db' });
    expect(pod.metadata?.labels).toMatchObject({
      app: 'db',
      'statefulset.kubernetes.io/pod-name': 'db-1',
      'apps.kubernetes.io/pod-index': '1',
      'controller-revision-hash': done.status?.updateRevision,
    });
    expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'db' });
  });

  it('gives each ordinal its own bound claim from the templates, mounted in its pod', async () => {
    const { apps, core } = await sandboxClients();
    await apps.createNamespacedStatefulSet({
      namespace: NAMESPACE,
      body: statefulSet('db', 2, {
        volumeClaimTemplates: [DATA_CLAIM],
      }),
    });
    await readyReplicas(apps, 'db', 2);
    const claims = (await core.listNamespacedPersistentVolumeClaim({ namespace: NAMESPACE })).items;
    expect(claims.map((c) => [c.metadata?.name, c.status?.phase]).sort()).toEqual([
      ['data-db-0', 'Bound'],
      ['data-db-1', 'Bound'],
    ]);
    expect(claims[0]?.metadata?.labels).toMatchObject({ app: 'db' });
    expect(claims[0]?.spec?.storageClassName).toBe('standard');
    const pod = await core.readNamespacedPod({ name: 'db-1', namespace: NAMESPACE });
    expect(pod.spec?.volumes).toContainEqual({
      name: 'data',
      persistentVolumeClaim: { claimName: 'data-db-1' },
    });
  });

  it('scales down from the highest ordinal, one at a time, and keeps the claims', async () => {
    const { kc, apps, core } = await sandboxClients();
    await apps.createNamespacedStatefulSet({
      namespace: NAMESPACE,
      body: statefulSet('db', 3, {
        volumeClaimTemplates: [DATA_CLAIM],
      }),
    });
    await readyReplicas(apps, 'db', 3);
    const { events, stop } = await watchPods(kc, 'db');
    await apps.patchNamespacedStatefulSetScale(
      { name: 'db', namespace: NAMESPACE, body: { spec: { replicas: 1 } } },
      mergePatch,
    );
    await waitFor(
      async () =>
        (await apps.readNamespacedStatefulSet({ name: 'db', namespace: NAMESPACE })).status
          ?.replicas === 1,
      { what: 'one replica left' },
    );
    stop();
    expect(events.filter((event) => event.type === 'DELETED').map((event) => event.name)).toEqual([
      'db-2',
      'db-1',
    ]);
    const pods = (await core.listNamespacedPod({ namespace: NAMESPACE })).items;
    expect(pods.map((pod) => pod.metadata?.name)).toEqual(['db-0']);
    const claims = (await core.listNamespacedPersistentVolumeClaim({ namespace: NAMESPACE })).items;
    expect(claims.map((c) => c.metadata?.name).sort()).toEqual([
      'data-db-0',
      'data-db-1',
      'data-db-2',
    ]);
  });

  it('rolls a template change from the highest ordinal down, one ready pod at a time', async () => {
    const { kc, apps, core } = await sandboxClients();
    await apps.createNamespacedStatefulSet({ namespace: NAMESPACE, body: statefulSet('db', 3) });
    const before = await waitFor(
      async () => {
        const read = await apps.readNamespacedStatefulSet({ name: 'db', namespace: NAMESPACE });
        return read.status?.readyReplicas === 3 && read;
      },
      { what: 'three ready replicas' },
    );
    const { events, stop } = await watchPods(kc, 'db');
    await apps.patchNamespacedStatefulSet(
      {
        name: 'db',
        namespace: NAMESPACE,
        body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'pg:17' }],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    const after = await waitFor(
      async () => {
        const read = await apps.readNamespacedStatefulSet({ name: 'db', namespace: NAMESPACE });
        const status = read.status;
        const complete =
          status?.observedGeneration === 2 &&
          status.updatedReplicas === 3 &&
          status.readyReplicas === 3 &&
          status.currentRevision === status.updateRevision;
        return complete && read;
      },
      { what: 'the rollout to complete' },
    );
    stop();

    expect(after.status?.updateRevision).not.toBe(before.status?.updateRevision);
    expect(after.status?.currentReplicas).toBe(3);
    expect(events.filter((event) => event.type === 'DELETED').map((event) => event.name)).toEqual([
      'db-2',
      'db-1',
      'db-0',
    ]);
    // Each pod goes only once the one replaced before it is back and ready.
    const deleted = (name: string) =>
      events.findIndex((event) => event.type === 'DELETED' && event.name === name);
    const readyAgain = (name: string) =>
      events.findIndex(
        (event, index) => index > deleted(name) && event.name === name && event.ready,
      );
    expect(readyAgain('db-2')).toBeLessThan(deleted('db-1'));
    expect(readyAgain('db-1')).toBeLessThan(deleted('db-0'));
    const pods = (await core.listNamespacedPod({ namespace: NAMESPACE })).items;
    for (const pod of pods) {
      expect(pod.spec?.containers[0]?.image).toBe('pg:17');
      expect(pod.metadata?.labels?.['controller-revision-hash']).toBe(after.status?.updateRevision);
    }
  });

  it('keeps pods below the partition at the old revision', async () => {
    const { apps, core } = await sandboxClients();
    await apps.createNamespacedStatefulSet({
      namespace: NAMESPACE,
      body: statefulSet('db', 3, {
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } },
      }),
    });
    await readyReplicas(apps, 'db', 3);
    await apps.patchNamespacedStatefulSet(
      {
        name: 'db',
        namespace: NAMESPACE,
        body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'pg:17' }],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    const status = await waitFor(
      async () => {
        const read = await apps.readNamespacedStatefulSet({ name: 'db', namespace: NAMESPACE });
        const s = read.status;
        return s?.observedGeneration === 2 && s.updatedReplicas === 1 && s.readyReplicas === 3 && s;
      },
      { what: 'the partitioned rollout' },
    );
    expect(status.currentReplicas).toBe(2);
    expect(status.currentRevision).not.toBe(status.updateRevision);
    const images = Object.fromEntries(
      (await core.listNamespacedPod({ namespace: NAMESPACE })).items.map((pod) => [
        pod.metadata?.name,
        pod.spec?.containers[0]?.image,
      ]),
    );
    expect(images).toEqual({ 'db-0': 'postgres:16', 'db-1': 'postgres:16', 'db-2': 'pg:17' });
  });
});

describe('sandbox DaemonSets', () => {
  const readStatus = async (apps: AppsV1Api) =>
    (await apps.readNamespacedDaemonSet({ name: 'agent', namespace: NAMESPACE })).status;

  it('runs one ready pod on each of the three nodes and counts them', async () => {
    const { apps, core } = await sandboxClients();
    await apps.createNamespacedDaemonSet({ namespace: NAMESPACE, body: daemonSet('agent') });
    const status = await waitFor(
      async () => {
        const s = await readStatus(apps);
        return s?.numberAvailable === 3 && s;
      },
      { what: 'three available daemon pods' },
    );
    expect(status).toMatchObject({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberReady: 3,
      numberAvailable: 3,
      updatedNumberScheduled: 3,
      numberMisscheduled: 0,
      observedGeneration: 1,
    });
    const pods = (await core.listNamespacedPod({ namespace: NAMESPACE })).items;
    expect(pods.map((pod) => pod.spec?.nodeName).sort()).toEqual([
      'sandbox-node-1',
      'sandbox-node-2',
      'sandbox-node-3',
    ]);
    for (const pod of pods) expect(pod.metadata?.name).toMatch(/^agent-[a-z0-9]{5}$/);
  });

  it('follows the nodes that match its node selector as they come and go', async () => {
    const { apps, core } = await sandboxClients();
    await core.patchNode(
      { name: 'sandbox-node-2', body: { metadata: { labels: { disk: 'ssd' } } } },
      mergePatch,
    );
    await apps.createNamespacedDaemonSet({
      namespace: NAMESPACE,
      body: daemonSet('agent', { disk: 'ssd' }),
    });
    await waitFor(async () => (await readStatus(apps))?.numberReady === 1, {
      what: 'one daemon pod on the labelled node',
    });
    const podNodes = async () =>
      (await core.listNamespacedPod({ namespace: NAMESPACE })).items
        .map((pod) => pod.spec?.nodeName)
        .sort();
    expect(await podNodes()).toEqual(['sandbox-node-2']);

    await core.createNode({
      body: { metadata: { name: 'sandbox-node-4', labels: { disk: 'ssd' } } },
    });
    await waitFor(async () => (await readStatus(apps))?.numberReady === 2, {
      what: 'a pod on the new node',
    });
    expect(await podNodes()).toEqual(['sandbox-node-2', 'sandbox-node-4']);

    await core.deleteNode({ name: 'sandbox-node-2' });
    await waitFor(async () => (await podNodes()).join() === 'sandbox-node-4', {
      what: 'the pod of the removed node to go',
    });
    expect(await readStatus(apps)).toMatchObject({
      desiredNumberScheduled: 1,
      currentNumberScheduled: 1,
    });
  });

  it('replaces its pods node by node when the template changes', async () => {
    const { kc, apps, core } = await sandboxClients();
    await apps.createNamespacedDaemonSet({ namespace: NAMESPACE, body: daemonSet('agent') });
    await waitFor(async () => (await readStatus(apps))?.numberAvailable === 3, {
      what: 'three available daemon pods',
    });
    const { events, stop } = await watchPods(kc, 'agent');
    await apps.patchNamespacedDaemonSet(
      {
        name: 'agent',
        namespace: NAMESPACE,
        body: [
          { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'fluentd:2' },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    await waitFor(
      async () => {
        const s = await readStatus(apps);
        return (
          s?.observedGeneration === 2 && s.updatedNumberScheduled === 3 && s.numberAvailable === 3
        );
      },
      { what: 'the daemon set rollout' },
    );
    stop();

    const pods = (await core.listNamespacedPod({ namespace: NAMESPACE })).items;
    expect(pods.map((pod) => pod.spec?.containers[0]?.image)).toEqual(Array(3).fill('fluentd:2'));
    // maxUnavailable 1: an old pod goes only after the previous replacement is ready.
    const deletions = events.flatMap((event, index) => (event.type === 'DELETED' ? [index] : []));
    expect(deletions).toHaveLength(3);
    for (let i = 1; i < deletions.length; i++) {
      const between = events.slice(deletions[i - 1], deletions[i]);
      expect(between.some((event) => event.type !== 'DELETED' && event.ready)).toBe(true);
    }
  });
});

describe('sandbox volume claims', () => {
  it('binds a claim without a class to a new volume of the default class', async () => {
    const { core } = await sandboxClients();
    const created = await core.createNamespacedPersistentVolumeClaim({
      namespace: NAMESPACE,
      body: claim('data'),
    });
    const bound = await waitFor(
      async () => {
        const read = await core.readNamespacedPersistentVolumeClaim({
          name: 'data',
          namespace: NAMESPACE,
        });
        return read.status?.phase === 'Bound' && read;
      },
      { what: 'the claim to bind' },
    );
    const volumeName = `pvc-${created.metadata!.uid}`;
    expect(bound.spec).toMatchObject({ storageClassName: 'standard', volumeName });
    expect(bound.status).toMatchObject({
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '2Gi' },
    });
    const volume = await core.readPersistentVolume({ name: volumeName });
    expect(volume.status?.phase).toBe('Bound');
    expect(volume.spec).toMatchObject({
      capacity: { storage: '2Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'standard',
      claimRef: { namespace: NAMESPACE, name: 'data', uid: created.metadata!.uid },
    });
    const events = await core.listNamespacedEvent({
      namespace: NAMESPACE,
      fieldSelector: 'involvedObject.name=data,reason=ProvisioningSucceeded',
    });
    expect(events.items).toHaveLength(1);

    // The Delete reclaim policy takes the volume with the claim.
    await core.deleteNamespacedPersistentVolumeClaim({ name: 'data', namespace: NAMESPACE });
    await waitFor(
      async () =>
        !(await core.listPersistentVolume()).items.some((v) => v.metadata?.name === volumeName),
      { what: 'the volume to be deleted' },
    );
  });

  it('leaves a claim of an unknown class Pending with a warning, and its pod not started', async () => {
    const { core, storage } = await sandboxClients();
    await core.createNamespacedPersistentVolumeClaim({
      namespace: NAMESPACE,
      body: claim('data', 'fast'),
    });
    const pod = (name: string, claimName?: string): V1Pod => ({
      metadata: { name },
      spec: {
        containers: [{ name: 'main', image: 'busybox:1.36' }],
        ...(claimName ? { volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] } : {}),
      },
    });
    await core.createNamespacedPod({ namespace: NAMESPACE, body: pod('user', 'data') });
    await core.createNamespacedPod({ namespace: NAMESPACE, body: pod('bystander') });
    const warning = await waitFor(
      async () =>
        (
          await core.listNamespacedEvent({
            namespace: NAMESPACE,
            fieldSelector: 'involvedObject.name=data,reason=ProvisioningFailed',
          })
        ).items[0],
      { what: 'a ProvisioningFailed event' },
    );
    expect(warning.type).toBe('Warning');
    expect(warning.message).toContain('"fast" not found');
    // Both pods were placed together; the one without a claim starting shows the other waits.
    await waitFor(
      async () =>
        (await core.readNamespacedPod({ name: 'bystander', namespace: NAMESPACE })).status
          ?.phase === 'Running',
      { what: 'the pod without a claim to run' },
    );
    const waiting = await core.readNamespacedPod({ name: 'user', namespace: NAMESPACE });
    expect(waiting.spec?.nodeName).toMatch(/^sandbox-node-/);
    expect(waiting.status?.phase).toBe('Pending');
    const pending = await core.readNamespacedPersistentVolumeClaim({
      name: 'data',
      namespace: NAMESPACE,
    });
    expect(pending.status?.phase).toBe('Pending');

    // Once the class exists the claim binds (kept on release) and the pod starts.
    await storage.createStorageClass({
      body: {
        metadata: { name: 'fast' },
        provisioner: 'sandbox.weft.dev/hostpath',
        reclaimPolicy: 'Retain',
      },
    });
    await waitFor(
      async () =>
        (await core.readNamespacedPod({ name: 'user', namespace: NAMESPACE })).status?.phase ===
        'Running',
      { what: 'the pod to start once its claim is bound' },
    );
    const bound = await core.readNamespacedPersistentVolumeClaim({
      name: 'data',
      namespace: NAMESPACE,
    });
    await core.deleteNamespacedPod({ name: 'user', namespace: NAMESPACE });
    await core.deleteNamespacedPersistentVolumeClaim({ name: 'data', namespace: NAMESPACE });
    await waitFor(
      async () =>
        (await core.readPersistentVolume({ name: bound.spec!.volumeName! })).status?.phase ===
        'Released',
      { what: 'the retained volume to be released' },
    );
  });
});
