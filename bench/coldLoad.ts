/**
 * `npm run bench:load`: a design with 5,000 components and 50,000 updates of history reaches a
 * new client (synced) < 300 ms after a hub restart.
 *
 * The history is sent through the hub itself over a bare WebSocket with `?acks=1`, one update per
 * transaction, until the hub acknowledges all of it. Then, several times: SIGTERM the hub, start
 * it again on the same data (pinned to core 0), and time a stock `y-websocket` provider from
 * construction to `synced` with every component present. Prints one JSON line; progress on stderr.
 *
 * Environment: BENCH_COMPONENTS (5000), BENCH_UPDATES (50000), BENCH_RESTARTS (5).
 */
import * as prng from 'lib0/prng';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { DesignKey } from '../shared/design/convert.js';
import { designRoom } from '../shared/rooms.js';
import { openAckSocket } from './lib/ackSocket.js';
import { diskUsage, filesystemType, tempDataDir } from './lib/dataDir.js';
import { addComponent, editComponent } from './lib/designHistory.js';
import { waitUntil } from './lib/pace.js';
import { coldApplyMs } from './lib/coldApply.js';
import { machine, pinSelf, waitForQuietCores } from './lib/proc.js';
import { round } from './lib/stats.js';
import { createDesign, startWeft, type WeftHub } from './lib/weftHub.js';

const env = process.env;
const COMPONENTS = Number(env.BENCH_COMPONENTS ?? 5_000);
const UPDATES = Number(env.BENCH_UPDATES ?? 50_000);
const RESTARTS = Number(env.BENCH_RESTARTS ?? 5);
const TARGET_MS = 300;
const SEED = 7;
/** Updates sent ahead of the last acknowledgement while building the history. */
const IN_FLIGHT = 2_000;
const ACK_TIMEOUT_MS = 60_000;
const SYNC_TIMEOUT_MS = 30_000;
const SERVER_CORE = 0;
const CLIENT_CORE = 1;
/** Before each restart, wait (up to QUIET_WAIT_MS) for both cores to be this idle. */
const QUIET_BUSY_PERCENT = 10;
const QUIET_WAIT_MS = 60_000;

const log = (message: string) => process.stderr.write(`bench:load ${message}\n`);

/**
 * Sends the whole history as `UPDATES` updates and resolves once all of it is durable, with the
 * resulting document state (what a new client has to download and apply).
 */
async function sendHistory(hub: WeftHub, designId: string): Promise<Uint8Array> {
  const doc = new Y.Doc();
  let durable = 0;
  const socket = await openAckSocket(hub.wsUrl, designId, (clocks) => {
    durable = clocks.get(doc.clientID) ?? durable;
  });
  const random = prng.create(SEED);
  let updates = 0;
  doc.on('update', (update: Uint8Array) => {
    updates += 1;
    socket.send(update);
  });
  const clock = () => Y.getState(doc.store, doc.clientID);
  const acknowledged = async () => {
    if (!(await waitUntil(() => durable >= clock(), ACK_TIMEOUT_MS))) {
      throw new Error(`no acknowledgement after ${updates} updates`);
    }
  };
  try {
    for (let i = 0; updates < UPDATES; i++) {
      if (i < COMPONENTS) addComponent(doc, i);
      else editComponent(doc, random, COMPONENTS, i);
      if (updates % IN_FLIGHT === 0) await acknowledged();
    }
    await acknowledged();
    return Y.encodeStateAsUpdate(doc);
  } finally {
    await socket.close();
    doc.destroy();
  }
}

/** Builds the design on a fresh hub, then stops it: the shutdown flushes and compacts. */
async function buildDesign(data: string) {
  const hub = await startWeft(SERVER_CORE, data);
  try {
    const started = performance.now();
    const designId = await createDesign(hub.url, 'cold load');
    log(`sending ${COMPONENTS} components and ${UPDATES} updates in all`);
    const state = await sendHistory(hub, designId);
    const buildSeconds = (performance.now() - started) / 1000;
    const stopping = performance.now();
    await hub.stop();
    return { designId, state, buildSeconds, shutdownMs: performance.now() - stopping };
  } finally {
    await hub.stop();
  }
}

/** Starts the hub on `data` and times a stock client from connecting to synced. */
async function measureRestart(data: string, designId: string) {
  const cores = [SERVER_CORE, CLIENT_CORE];
  const quiet = await waitForQuietCores(cores, QUIET_BUSY_PERCENT, QUIET_WAIT_MS);
  const spawned = performance.now();
  const hub = await startWeft(SERVER_CORE, data);
  const listening = performance.now();
  const doc = new Y.Doc();
  // Time the client spends applying what it receives, to tell its share from the hub's. Its
  // first transaction applies the hub's step 2: until then, the time was the hub's and the wire's.
  let applyMs = 0;
  let stateArrived = NaN;
  doc.on('beforeTransaction', () => {
    if (Number.isNaN(stateArrived)) stateArrived = performance.now();
    applyMs -= performance.now();
  });
  doc.on('afterTransaction', () => (applyMs += performance.now()));
  let provider: WebsocketProvider | undefined;
  try {
    const connecting = performance.now();
    provider = new WebsocketProvider(hub.wsUrl, designRoom(designId), doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    const synced = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the client never synced')), SYNC_TIMEOUT_MS);
      // `sync` fires together with `synced` and is the one the provider's types declare.
      provider!.on('sync', (isSynced: boolean) => {
        if (!isSynced) return;
        clearTimeout(timer);
        resolve(performance.now());
      });
    });
    const components = doc.getMap(DesignKey.components).size;
    if (components !== COMPONENTS) {
      throw new Error(`synced with ${components} components, expected ${COMPONENTS}`);
    }
    const result = {
      spawnToListeningMs: round(listening - spawned),
      connectToSyncedMs: round(synced - connecting),
      connectToStateMs: round(stateArrived - connecting),
      clientApplyMs: round(applyMs),
      spawnToSyncedMs: round(synced - spawned),
      serverRssMiB: round(hub.rssBytes() / 2 ** 20),
      /** False when other work kept the cores busy right before this run. */
      quiet,
    };
    log(JSON.stringify(result));
    return result;
  } finally {
    provider?.destroy();
    doc.destroy();
    await hub.stop();
  }
}

/** Median and maximum of one field over all restarts. */
function spread(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor((sorted.length - 1) / 2)]!, max: sorted[sorted.length - 1]! };
}

async function main(): Promise<void> {
  pinSelf(CLIENT_CORE);
  const data = await tempDataDir('weft-bench-load-');
  try {
    const { designId, state, buildSeconds, shutdownMs } = await buildDesign(data.path);
    log(`history durable in ${round(buildSeconds)} s; shutdown took ${round(shutdownMs)} ms`);
    const disk = await diskUsage(data.path);

    const runs = [];
    for (let i = 0; i < RESTARTS; i++) runs.push(await measureRestart(data.path, designId));
    const connectToSynced = spread(runs.map((run) => run.connectToSyncedMs));
    const connectToState = spread(runs.map((run) => run.connectToStateMs));
    const freshProcessApply = spread(
      Array.from({ length: RESTARTS }, () => round(coldApplyMs(state, CLIENT_CORE))),
    );
    const spawnToSynced = spread(runs.map((run) => run.spawnToSyncedMs));
    console.log(
      JSON.stringify({
        bench: 'coldLoad',
        machine: machine(),
        config: {
          components: COMPONENTS,
          updates: UPDATES,
          restarts: RESTARTS,
          dataFilesystem: filesystemType(data.path),
          serverCore: SERVER_CORE,
          clientCore: CLIENT_CORE,
        },
        build: {
          seconds: round(buildSeconds),
          shutdownMs: round(shutdownMs),
          stateMiB: round(state.byteLength / 2 ** 20, 2),
        },
        disk: {
          apparentMiB: round(disk.apparentBytes / 2 ** 20, 2),
          allocatedMiB: round(disk.allocatedBytes / 2 ** 20, 2),
        },
        runs,
        connectToSyncedMs: connectToSynced,
        /** The hub's share: from connecting until the client starts applying the state. */
        connectToStateMs: connectToState,
        /** The stock client's floor: applying the same state in a fresh process, no server. */
        freshProcessApplyMs: freshProcessApply,
        spawnToSyncedMs: spawnToSynced,
        targets: {
          syncedMs: TARGET_MS,
          connectToSyncedPass: connectToSynced.max < TARGET_MS,
          connectToStatePass: connectToState.max < TARGET_MS,
          freshProcessApplyPass: freshProcessApply.max < TARGET_MS,
          spawnToSyncedPass: spawnToSynced.max < TARGET_MS,
        },
      }),
    );
  } finally {
    await data.remove();
  }
}

await main();
