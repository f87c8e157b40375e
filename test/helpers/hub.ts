/**
 * Starting hubs for tests: in-process on a free port, or as a child process when a test needs to
 * kill it. Either way the hub is stopped when the test finishes, pass or fail.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { onTestFinished } from 'vitest';
import { parseConfig, type HubConfig } from '../../server/config.js';
import { startHub, type Hub } from '../../server/hub.js';
import { createLogger, silentLogger } from '../../server/log.js';
import { tempDir } from './tempDir.js';

export interface TestHub {
  hub: Hub;
  url: string;
  /** `ws://HOST:PORT/ws`, the y-websocket server URL. */
  wsUrl: string;
  data: string;
  close(): Promise<void>;
}

const wsUrlOf = (url: string): string => `${url.replace(/^http/, 'ws')}/ws`;

/** Starts an in-process hub with test-friendly defaults (free port, temp data, short grace). */
export async function startTestHub(overrides: Partial<HubConfig> = {}): Promise<TestHub> {
  const base = parseConfig([], {});
  if (base === 'help') throw new Error('unreachable');
  const data = overrides.data ?? (await tempDir());
  // Hubs under test run without the sandbox cluster unless a test asks for it.
  const config: HubConfig = {
    ...base,
    port: 0,
    roomGraceMs: 50,
    sandbox: false,
    data,
    ...overrides,
  };
  // WEFT_TEST_LOG=1 shows the hub's diagnostics while debugging a test.
  const hub = await startHub(config, process.env.WEFT_TEST_LOG ? createLogger() : silentLogger);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await hub.close();
  };
  onTestFinished(close);
  return { hub, url: hub.url, wsUrl: wsUrlOf(hub.url), data, close };
}

export interface ChildHub {
  process: ChildProcess;
  url: string;
  wsUrl: string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
  /**
   * Sends `signal` and resolves with the exit code (or signal name); a hub still running after
   * `timeoutMs` fails the test with what it logged, rather than hanging it.
   */
  stop(signal: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
  stderr(): string;
}

export interface SpawnOptions {
  /** Largest file the hub may write (`prlimit --fsize`): past it, writes fail like a full disk. */
  fileSizeLimitBytes?: number;
}

/** Runs `server/main.ts` in a child process, resolving once it prints its listening line. */
export async function spawnHub(args: string[], options: SpawnOptions = {}): Promise<ChildHub> {
  const command = [
    process.execPath,
    '--import',
    'tsx',
    'server/main.ts',
    '--port',
    '0',
    ...(args.includes('--sandbox') ? [] : ['--no-sandbox']),
    ...args,
  ];
  const limit = options.fileSizeLimitBytes;
  const [program, ...programArgs] =
    limit === undefined ? command : ['prlimit', `--fsize=${limit}`, ...command];
  const child = spawn(program!, programArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^weft listening on (http:\/\/\S+)$/.exec(line);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) =>
      reject(new Error(`hub exited (${code}) before listening:\n${stderr}`)),
    );
  });
  const stop = async (signal: NodeJS.Signals, timeoutMs = 15_000) => {
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`hub still running ${timeoutMs} ms after ${signal}:\n${stderr}`)),
        timeoutMs,
      );
    });
    return Promise.race([exited, late]).finally(() => clearTimeout(timer));
  };
  return { process: child, url, wsUrl: wsUrlOf(url), exited, stop, stderr: () => stderr };
}
