/**
 * The Weft hub as a benchmark subject: compiled and run like `npm start` runs it, in a child
 * process pinned to a core, on a data folder of its own, and killed should the benchmark exit
 * without stopping it.
 */
import { buildOnce, PROJECT_ROOT } from './build.js';
import { startPinned, type ServerProcess } from './proc.js';

/** The compiled hub, exactly what `npm start` runs. */
const MAIN = `${PROJECT_ROOT}dist/server/main.js`;
const LISTENING = /^weft listening on (http:\/\/\S+)$/;
/** An overloaded hub answers HTTP late; its metrics are not worth waiting longer for. */
const METRICS_TIMEOUT_MS = 10_000;

export interface WeftHub extends ServerProcess {
  /** `ws://HOST:PORT/ws`: append `/designs/<id>` for a design's room. */
  wsUrl: string;
  /** SIGTERM, then SIGKILL if the hub has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** A clean shutdown flushes and compacts every room; a stuck one must not hang the benchmark. */
const STOP_GRACE_MS = 60_000;

/**
 * Starts `dist/server/main.js --port 0 --data <data> --no-sandbox …flags` pinned to `core`
 * (`--sandbox` among the flags keeps the sandbox cluster).
 * @example const hub = await startWeft(0, dir, ['--compact-entries', '10000']);
 */
export async function startWeft(
  core: number,
  data: string,
  flags: string[] = [],
): Promise<WeftHub> {
  buildOnce();
  const args = [MAIN, '--port', '0', '--data', data];
  // Benchmarks measure the hub alone unless they ask for its sandbox cluster.
  const sandbox = flags.includes('--sandbox') ? [] : ['--no-sandbox'];
  const server = await startPinned(core, [...args, ...sandbox, ...flags], LISTENING);
  const kill = () => server.child.kill('SIGKILL');
  process.once('exit', kill);
  return {
    ...server,
    wsUrl: `${server.url.replace(/^http/, 'ws')}/ws`,
    stop: async (graceMs = STOP_GRACE_MS) => {
      const timer = setTimeout(() => {
        process.stderr.write(`hub did not exit within ${graceMs} ms of SIGTERM: killing it\n`);
        kill();
      }, graceMs);
      await server.stop();
      clearTimeout(timer);
      process.off('exit', kill);
    },
  };
}

/** Creates a design through the REST API and returns its id. */
export async function createDesign(hubUrl: string, name: string): Promise<string> {
  const response = await fetch(`${hubUrl}/api/designs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (response.status !== 201) {
    throw new Error(`creating a design failed: ${response.status} ${await response.text()}`);
  }
  return ((await response.json()) as { id: string }).id;
}

/**
 * Reads unlabeled samples from the hub's Prometheus `/metrics`; empty if it does not answer.
 * @example await readMetrics(hub.url) // Map { 'weft_compactions_total' => 3, … }
 */
export async function readMetrics(hubUrl: string): Promise<Map<string, number>> {
  const samples = new Map<string, number>();
  let text = '';
  try {
    const response = await fetch(`${hubUrl}/metrics`, {
      signal: AbortSignal.timeout(METRICS_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    process.stderr.write(`metrics unavailable: ${(error as Error).message}\n`);
  }
  for (const line of text.split('\n')) {
    // Labelled samples keep their labels: `weft_persist_flush_seconds_bucket{le="0.025"}`.
    const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}
