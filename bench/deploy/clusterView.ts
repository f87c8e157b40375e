/**
 * The live view of a cluster as its viewers see it: VIEWERS stock y-websocket clients of
 * `clusters/sandbox`, then CHANGES changes made on the cluster through client-node (a label of
 * a ConfigMap, one at a time), each timed from the request to the first viewer and to the last
 * one seeing it. Also reads how many watches the hub holds with everyone connected.
 */
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import {
  ClusterKey,
  readViewState,
  type ResourceSummary,
} from '../../shared/cluster/clusterRoom.js';
import { clusterRoom } from '../../shared/rooms.js';
import { waitUntil } from '../lib/pace.js';
import { summarize } from '../lib/stats.js';
import { readMetrics, type WeftHub } from '../lib/weftHub.js';

const TIMEOUT_MS = 30_000;

export async function measureClusterView(
  hub: WeftHub,
  kubeconfigPath: string,
  viewers: number,
  changes: number,
) {
  // Each y-websocket provider listens for the process's exit; a hundred of them are expected.
  process.setMaxListeners(viewers + 10);
  const clients = Array.from({ length: viewers }, () => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(hub.wsUrl, clusterRoom('sandbox'), doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    return { doc, provider };
  });
  try {
    const live = () => clients.every(({ doc }) => readViewState(doc).state === 'live');
    if (!(await waitUntil(live, TIMEOUT_MS))) throw new Error('the views did not go live');
    const watches = (await readMetrics(hub.url)).get('weft_cluster_watches');

    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    const core = kc.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'bench-view', labels: { round: '0' } } },
    });
    const uid = created.metadata!.uid!;
    const roundOf = (doc: Y.Doc) =>
      doc.getMap<ResourceSummary>(ClusterKey.resources).get(uid)?.labels.round;
    const firstMs: number[] = [];
    const allMs: number[] = [];
    for (let round = 1; round <= changes; round++) {
      const label = String(round);
      let first: number | undefined;
      let last: number | undefined;
      let seen = 0;
      const pending = new Set(clients.map(({ doc }) => doc));
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`change ${round} never arrived`)),
          TIMEOUT_MS,
        );
        for (const doc of pending) {
          const check = () => {
            if (roundOf(doc) !== label || !pending.delete(doc)) return;
            doc.off('update', check);
            const at = performance.now();
            first ??= at;
            last = at;
            if (++seen === clients.length) {
              clearTimeout(timer);
              resolve();
            }
          };
          doc.on('update', check);
        }
      });
      const started = performance.now();
      await core.patchNamespacedConfigMap(
        {
          namespace: 'default',
          name: 'bench-view',
          body: { metadata: { labels: { round: label } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await done;
      firstMs.push(first! - started);
      allMs.push(last! - started);
    }
    return {
      viewers,
      watches,
      changeToFirstViewerMs: summarize(firstMs),
      changeToEveryViewerMs: summarize(allMs),
    };
  } finally {
    for (const { doc, provider } of clients) {
      provider.destroy();
      doc.destroy();
    }
  }
}
