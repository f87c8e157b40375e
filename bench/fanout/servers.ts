/**
 * The three servers the fan-out benchmark compares, each a fresh process pinned to one core:
 * Weft's hub, the y-websocket@2.1.0 reference server and the bare `ws` forwarder (the floor).
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPinned, type ServerProcess } from '../lib/proc.js';
import { createDesign, startWeft, type WeftHub } from '../lib/weftHub.js';

export const ServerKind = { floor: 'floor', reference: 'reference', weft: 'weft' } as const;
export type ServerKind = (typeof ServerKind)[keyof typeof ServerKind];

export interface BenchServer {
  kind: ServerKind;
  process: ServerProcess;
  /** WebSocket URL of the one room the benchmark uses. */
  roomUrl: string;
  /** False for the floor: it starts no sync of its own, so clients have nothing to answer. */
  speaksSync: boolean;
  stop(): Promise<void>;
}

/** The server under test and the load generator never share a core. */
export const Core = { server: 0, loadGenerator: 1 } as const;
const LISTENING = /listening on (\S+)/;
/** The reference server and the floor take any path as a room name. */
const PLAIN_ROOM = 'bench';

/**
 * What to undo for each server still running if this process ends without stopping it (an
 * uncaught error, Ctrl-C): no server outlives the benchmark.
 */
const abandoned = new Set<() => void>();
process.once('exit', () => abandoned.forEach((undo) => undo()));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(1));

/** Keeps `undo` for an abrupt exit until the returned stop function has stopped the server. */
function tracked(stop: () => Promise<void>, undo: () => void): () => Promise<void> {
  abandoned.add(undo);
  return async () => {
    await stop();
    abandoned.delete(undo);
  };
}

const projectFile = (path: string): string =>
  fileURLToPath(new URL(`../../${path}`, import.meta.url));

/**
 * The servers that take any path as a room and need no preparation, run by plain `node`.
 * `speaksSync` is false for the floor: it starts no sync of its own.
 */
const PLAIN_SERVERS = {
  [ServerKind.floor]: { script: 'bench/servers/floor.mjs', speaksSync: false },
  [ServerKind.reference]: { script: 'bench/servers/reference.cjs', speaksSync: true },
} as const;

/** Starts a server of `kind` on its core and prepares the benchmark's room on it. */
export async function startServer(kind: ServerKind): Promise<BenchServer> {
  if (kind === ServerKind.weft) return startWeftServer();
  const { script, speaksSync } = PLAIN_SERVERS[kind];
  const server = await startPinned(Core.server, [projectFile(script)], LISTENING);
  return plain(kind, server, speaksSync);
}

function plain(kind: ServerKind, server: ServerProcess, speaksSync: boolean): BenchServer {
  return {
    kind,
    process: server,
    roomUrl: `${server.url}/${PLAIN_ROOM}`,
    speaksSync,
    stop: tracked(server.stop, () => server.child.kill('SIGKILL')),
  };
}

/** Weft refuses unknown rooms, so the design is created over HTTP before anyone connects. */
async function startWeftServer(): Promise<BenchServer> {
  const data = await mkdtemp(join(tmpdir(), 'weft-bench-'));
  let hub: WeftHub | undefined;
  const stop = tracked(
    async () => {
      await hub?.stop();
      await rm(data, { recursive: true, force: true });
    },
    () => {
      hub?.child.kill('SIGKILL');
      rmSync(data, { recursive: true, force: true });
    },
  );
  try {
    hub = await startWeft(Core.server, data);
    const id = await createDesign(hub.url, 'bench');
    const roomUrl = `${hub.wsUrl}/designs/${id}`;
    return { kind: ServerKind.weft, process: hub, roomUrl, speaksSync: true, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
