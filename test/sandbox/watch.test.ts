/**
 * Watches on the sandbox through client-node's `Watch` and informers: resourceVersion resume,
 * 410 Gone once history is compacted, selectors seen as objects entering and leaving, bookmarks,
 * and an informer that stays equal to the server's list through churn.
 */
import {
  CoreV1Api,
  makeInformer,
  Watch,
  type KubernetesObject,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { startTestSandbox } from '../helpers/sandbox.js';
import { waitFor } from '../helpers/wait.js';

interface Seen {
  type: string;
  name?: string;
  resourceVersion?: string;
  code?: number;
}

/** Starts a watch and collects its events until the test ends it (or the server does). */
async function collect(watch: Watch, path: string, query: Record<string, string>) {
  const events: Seen[] = [];
  let ended = false;
  const request = await watch.watch(
    path,
    query,
    (type, object: KubernetesObject & { code?: number }) =>
      events.push({
        type,
        name: object.metadata?.name,
        resourceVersion: object.metadata?.resourceVersion,
        code: object.code,
      }),
    () => (ended = true),
  );
  return { events, ended: () => ended, stop: () => request.abort() };
}

const configMap = (name: string, labels: Record<string, string> = {}): V1ConfigMap => ({
  metadata: { name, labels },
  data: { value: '1' },
});

const PATH = '/api/v1/namespaces/default/configmaps';

describe('sandbox watch', () => {
  it('streams changes after a resourceVersion and resumes where a client left off', async () => {
    const { kc } = await startTestSandbox();
    const core = kc.makeApiClient(CoreV1Api);
    const start = (await core.listNamespacedConfigMap({ namespace: 'default' })).metadata!
      .resourceVersion!;
    const watch = new Watch(kc);
    const first = await collect(watch, PATH, { resourceVersion: start });
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('a') });
    await core.patchNamespacedConfigMap({
      name: 'a',
      namespace: 'default',
      body: [{ op: 'add', path: '/data/x', value: 'y' }],
    });
    await waitFor(() => first.events.length === 2, { what: 'two events' });
    first.stop();
    const lastSeen = first.events.at(-1)!.resourceVersion!;

    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('b') });
    await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'default' });
    const resumed = await collect(watch, PATH, { resourceVersion: lastSeen });
    await waitFor(() => resumed.events.length === 2, { what: 'the missed events' });
    resumed.stop();
    expect(first.events.map((event) => [event.type, event.name])).toEqual([
      ['ADDED', 'a'],
      ['MODIFIED', 'a'],
    ]);
    expect(resumed.events.map((event) => [event.type, event.name])).toEqual([
      ['ADDED', 'b'],
      ['DELETED', 'a'],
    ]);
    const versions = [...first.events, ...resumed.events].map((event) =>
      Number(event.resourceVersion),
    );
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
  });

  it('starts with the current objects when no resourceVersion is given', async () => {
    const { kc } = await startTestSandbox();
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('present') });
    const watch = await collect(new Watch(kc), PATH, {});
    await waitFor(() => watch.events.length === 1, { what: 'the current object' });
    watch.stop();
    expect(watch.events[0]).toMatchObject({ type: 'ADDED', name: 'present' });
  });

  it('answers a watch from a compacted resourceVersion with 410 Gone and ends it', async () => {
    const { kc } = await startTestSandbox({ historyLimit: 4 });
    const core = kc.makeApiClient(CoreV1Api);
    const start = (await core.listNamespacedConfigMap({ namespace: 'default' })).metadata!
      .resourceVersion!;
    for (let i = 0; i < 10; i++) {
      await core.createNamespacedConfigMap({ namespace: 'default', body: configMap(`cm-${i}`) });
    }
    const watch = await collect(new Watch(kc), PATH, { resourceVersion: start });
    await waitFor(() => watch.ended(), { what: 'the server to end the watch' });
    expect(watch.events).toEqual([
      { type: 'ERROR', code: 410, name: undefined, resourceVersion: undefined },
    ]);
  });

  it('shows objects entering and leaving a label selector as ADDED and DELETED', async () => {
    const { kc } = await startTestSandbox();
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap('moving', { tier: 'web' }),
    });
    const watch = await collect(new Watch(kc), PATH, { labelSelector: 'tier=web' });
    await waitFor(() => watch.events.length === 1, { what: 'the initial object' });
    const relabel = (tier: string) =>
      core.patchNamespacedConfigMap({
        name: 'moving',
        namespace: 'default',
        body: [{ op: 'replace', path: '/metadata/labels/tier', value: tier }],
      });
    await relabel('db');
    await relabel('web');
    await waitFor(() => watch.events.length === 3, { what: 'leave and re-enter' });
    watch.stop();
    expect(watch.events.map((event) => event.type)).toEqual(['ADDED', 'DELETED', 'ADDED']);
  });

  it('sends bookmarks when asked', async () => {
    const { kc } = await startTestSandbox({ watchLimits: { bookmarkIntervalMs: 20 } });
    const core = kc.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap('a'),
    });
    const watch = await collect(new Watch(kc), PATH, {
      resourceVersion: created.metadata!.resourceVersion!,
      allowWatchBookmarks: 'true',
    });
    await waitFor(() => watch.events.some((event) => event.type === 'BOOKMARK'), {
      what: 'a bookmark',
    });
    watch.stop();
    expect(watch.events.find((event) => event.type === 'BOOKMARK')!.resourceVersion).toBe(
      created.metadata!.resourceVersion,
    );
  });

  it('keeps an informer equal to the server through churn', async () => {
    const { kc } = await startTestSandbox({ historyLimit: 50 });
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer(kc, PATH, () =>
      core.listNamespacedConfigMap({ namespace: 'default' }),
    );
    await informer.start();
    try {
      for (let round = 0; round < 60; round++) {
        const name = `cm-${round % 17}`;
        const exists = informer.get(name, 'default') !== undefined && round % 3 === 0;
        if (exists)
          await core
            .deleteNamespacedConfigMap({ name, namespace: 'default' })
            .catch(() => undefined);
        else {
          await core
            .createNamespacedConfigMap({ namespace: 'default', body: configMap(name) })
            .catch(() =>
              core.patchNamespacedConfigMap({
                name,
                namespace: 'default',
                body: [{ op: 'add', path: '/data/round', value: String(round) }],
              }),
            );
        }
      }
      const server = await core.listNamespacedConfigMap({ namespace: 'default' });
      const expected = server.items
        .map((item) => `${item.metadata!.name}@${item.metadata!.resourceVersion}`)
        .sort();
      await waitFor(
        () => {
          const local = informer
            .list('default')
            .map((item) => `${item.metadata!.name}@${item.metadata!.resourceVersion}`)
            .sort();
          return JSON.stringify(local) === JSON.stringify(expected);
        },
        { what: 'the informer to match the server' },
      );
    } finally {
      await informer.stop();
    }
  });
});
