/**
 * Child processes for benchmarks: servers pinned to a core with `taskset`, their CPU time and
 * memory read from /proc, and the machine description recorded with every result.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createInterface } from 'node:readline';

const CLOCK_TICKS_PER_SECOND = 100;

export interface ServerProcess {
  child: ChildProcess;
  /** The `http://…` or `ws://…` URL the process printed. */
  url: string;
  /** User + system CPU seconds used so far. */
  cpuSeconds(): number;
  /** Resident set size in bytes. */
  rssBytes(): number;
  stop(): Promise<void>;
}

/**
 * Starts `node …args` pinned to `core`, resolving once a stdout line matches `ready` (its first
 * group is the URL).
 */
export async function startPinned(
  core: number,
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServerProcess> {
  const child = spawn('taskset', ['-c', String(core), process.execPath, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = ready.exec(line);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  const pid = child.pid!;
  return {
    child,
    url,
    cpuSeconds: () => {
      // Fields after the command name: utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    },
    rssBytes: () => {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * CPU seconds `core` has spent busy so far, whoever ran on it: compared with a pinned server's
 * own CPU time, it shows how much of its core other processes took.
 */
export function coreBusySeconds(core: number): number {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((row) => row.startsWith(`cpu${core} `));
  if (!line) throw new Error(`no cpu${core} in /proc/stat`);
  // user nice system idle iowait irq softirq steal. Interrupt time is left out because no
  // process is charged for it either; steal is in, as time the hypervisor gave someone else.
  const [user, nice, system, , , , , steal] = line.split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + steal!) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Waits until every core in `cores` has been at most `maxBusyPercent` busy over one second, for at
 * most `timeoutMs`; resolves with whether they got that quiet. On a shared machine, call it before
 * each measurement so that other work does not land inside it.
 */
export async function waitForQuietCores(
  cores: readonly number[],
  maxBusyPercent: number,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  do {
    const before = cores.map(coreBusySeconds);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const busiest = Math.max(...cores.map((core, i) => coreBusySeconds(core) - before[i]!));
    if (busiest * 100 <= maxBusyPercent) return true;
  } while (Date.now() < deadline);
  return false;
}

/** Pins the current process (the load generator), all its threads, to `core`. */
export function pinSelf(core: number): void {
  spawnSync('taskset', ['-apc', String(core), String(process.pid)], { stdio: 'ignore' });
}

/** What the results were measured on, recorded beside them. */
export function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    date: new Date().toISOString(),
  };
}
