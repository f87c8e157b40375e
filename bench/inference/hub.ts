/**
 * One-component edit → derived room updated, through a real hub (compiled, pinned to core 0):
 * an editor (stock y-websocket provider) loads a generated design into a new design room, a
 * watcher follows the derived room until inference has caught up with all of it, then the
 * editor flips a Service's selector between matching and not matching its Deployment, one edit
 * at a time, and the time from the edit to the watcher seeing the network relationship appear
 * or go is recorded.
 */
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { DesignKey, writeComponent } from '../../shared/design/convert.js';
import { DerivedKey } from '../../shared/design/derived.js';
import type { Component } from '../../shared/design/model.js';
import { RelationshipEngine, relationshipId } from '../../shared/relationships/engine.js';
import { KUBERNETES_RELATIONSHIPS } from '../../shared/relationships/kubernetes.js';
import { derivedRoom, designRoom } from '../../shared/rooms.js';
import { tempDataDir } from '../lib/dataDir.js';
import { waitUntil } from '../lib/pace.js';
import { realisticDesign } from '../lib/realisticDesign.js';
import { round, summarize } from '../lib/stats.js';
import { createDesign, startWeft } from '../lib/weftHub.js';

const SERVER_CORE = 0;
/** Components per transaction while loading the design. */
const LOAD_CHUNK = 500;
const CATCH_UP_TIMEOUT_MS = 180_000;
const EDIT_TIMEOUT_MS = 10_000;

function connect(wsUrl: string, room: string): { doc: Y.Doc; provider: WebsocketProvider } {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(wsUrl, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  return { doc, provider };
}

/** How many relationships inference must reach for `design` (the same engine, here). */
function expectedRelationships(design: Component[]): number {
  const engine = new RelationshipEngine(KUBERNETES_RELATIONSHIPS);
  engine.update({ upserted: design, removed: [] });
  return engine.relationships.size;
}

/**
 * Resolves with the time at which a change to `map` makes `holds()` true: observed as the
 * change is applied, not polled, so the measurement has no polling granularity.
 */
function changeOf(map: Y.Map<unknown>, holds: () => boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      map.unobserve(check);
      reject(new Error('an edit never reached the derived room'));
    }, EDIT_TIMEOUT_MS);
    function check() {
      if (!holds()) return;
      const at = performance.now();
      clearTimeout(timer);
      map.unobserve(check);
      resolve(at);
    }
    map.observe(check);
  });
}

export async function measureThroughHub(size: number, edits: number) {
  const data = await tempDataDir('weft-bench-inference-');
  const hub = await startWeft(SERVER_CORE, data.path);
  const clients: WebsocketProvider[] = [];
  try {
    const id = await createDesign(hub.url, `inference ${size}`);
    const editor = connect(hub.wsUrl, designRoom(id));
    const watcher = connect(hub.wsUrl, derivedRoom(id));
    clients.push(editor.provider, watcher.provider);
    const synced = () => editor.provider.synced && watcher.provider.synced;
    if (!(await waitUntil(synced, EDIT_TIMEOUT_MS))) throw new Error('clients did not sync');

    const design = realisticDesign(size);
    const loading = performance.now();
    for (let start = 0; start < design.length; start += LOAD_CHUNK) {
      editor.doc.transact(() => {
        for (const component of design.slice(start, start + LOAD_CHUNK)) {
          writeComponent(editor.doc, component);
        }
      });
    }
    const relationships = watcher.doc.getMap(DerivedKey.relationships);
    const expected = expectedRelationships(design);
    if (!(await waitUntil(() => relationships.size === expected, CATCH_UP_TIMEOUT_MS))) {
      throw new Error(`inference reached ${relationships.size} of ${expected} relationships`);
    }
    const catchUpMs = performance.now() - loading;

    const services = design.filter((component) => component.kind === 'Service');
    const latencies: number[] = [];
    for (let i = 0; i < edits; i++) {
      const service = services[i % services.length]!;
      const app = service.labels.app!;
      const edge = relationshipId(
        'kubernetes/service-selects-workload',
        service.id,
        service.id.replace('/Service/', '/Deployment/'),
      );
      // Every other pass over the Services unhooks them, the next hooks them back.
      const hooked = Math.floor(i / services.length) % 2 === 1;
      const components = editor.doc.getMap<Y.Map<unknown>>(DesignKey.components);
      const spec = (components.get(service.id)!.get('config') as Y.Map<unknown>).get('spec');
      const selector = (spec as Y.Map<unknown>).get('selector') as Y.Map<unknown>;
      const arrived = changeOf(relationships, () => relationships.has(edge) === hooked);
      const started = performance.now();
      selector.set('app', hooked ? app : `${app}-unhooked`);
      latencies.push((await arrived) - started);
    }
    return {
      components: size,
      relationships: expected,
      catchUpMs: round(catchUpMs),
      editToDerivedMs: summarize(latencies),
    };
  } finally {
    // A provider's awareness keeps a timer until its document is destroyed.
    for (const client of clients) {
      client.destroy();
      client.doc.destroy();
    }
    await hub.stop();
    await data.remove();
  }
}
