/**
 * `npm run bench:hub`: fan-out from one writer making small edits at 50/s to 50, 200 and 500
 * observers, on Weft's hub, the y-websocket@2.1.0 reference server and a bare `ws` forwarder
 * (the floor). Each run gets a fresh server pinned to core 0; this process, the load generator,
 * runs on core 1. Runs are interleaved per N so that drift on the machine hits every server alike.
 * Each configuration is measured BENCH_ROUNDS times (default 3), rounds interleaved, and the
 * medians are compared. Prints one JSON line on stdout (medians and every run), progress on
 * stderr. BENCH_SECONDS sets the timed window of each run (default 10); with the 2 s warm-up and
 * start-up, the default takes about seven minutes on an idle machine.
 */
import { spawnSync } from 'node:child_process';
import { machine, pinSelf, waitForQuietCores } from './lib/proc.js';
import { measureFanout, type FanoutResult, type FanoutSettings } from './fanout/measureFanout.js';
import { Core, ServerKind, startServer } from './fanout/servers.js';
import { medianOfRounds } from './fanout/rounds.js';
import { checkTargets } from './fanout/targets.js';

const OBSERVER_COUNTS = [50, 200, 500] as const;

/**
 * On a shared machine other processes can take the server's core mid-run, which wrecks latency:
 * each run waits for quiet cores first, and one that was disturbed anyway is measured again.
 */
const CONTENTION = { maxOtherCpuPercent: 10, attempts: 2, quietWaitMs: 30_000 } as const;

function settings(env: NodeJS.ProcessEnv): FanoutSettings & { rounds: number } {
  const measuredSeconds = Number(env.BENCH_SECONDS ?? 10);
  if (!(measuredSeconds > 0)) throw new Error(`BENCH_SECONDS must be a positive number`);
  const rounds = Number(env.BENCH_ROUNDS ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BENCH_ROUNDS must be 1 or more`);
  return { editsPerSecond: 50, warmupSeconds: 2, measuredSeconds, rounds };
}

const progress = (text: string) => process.stderr.write(`bench:hub ${text}\n`);

/** The commit measured, and whether the server code differed from it. */
function revision() {
  const git = (...args: string[]) => spawnSync('git', args, { encoding: 'utf8' }).stdout.trim();
  return {
    commit: git('rev-parse', '--short', 'HEAD'),
    serverModified: git('status', '--porcelain', '--', 'server', 'shared') !== '',
  };
}

async function measure(
  kind: ServerKind,
  observers: number,
  fanout: FanoutSettings,
): Promise<FanoutResult> {
  for (let attempt = 1; ; attempt++) {
    const cores = [Core.server, Core.loadGenerator];
    const quiet = await waitForQuietCores(
      cores,
      CONTENTION.maxOtherCpuPercent,
      CONTENTION.quietWaitMs,
    );
    if (!quiet) progress(`  cores ${cores.join(', ')} are busy with other work; measuring anyway`);
    const server = await startServer(kind);
    let result: FanoutResult;
    try {
      result = await measureFanout(server, observers, fanout);
    } finally {
      await server.stop();
    }
    progress(`  ${JSON.stringify(result)}`);
    const other = result.otherCpuOnServerCorePercent;
    if (other <= CONTENTION.maxOtherCpuPercent || attempt === CONTENTION.attempts) return result;
    progress(`  other work took ${other}% of core ${Core.server} during the run: measuring again`);
  }
}

async function main(): Promise<void> {
  const fanout = settings(process.env);
  pinSelf(Core.loadGenerator);
  const runs: FanoutResult[] = [];
  for (const observers of OBSERVER_COUNTS) {
    for (let round = 1; round <= fanout.rounds; round++) {
      for (const kind of Object.values(ServerKind)) {
        progress(`${kind} with ${observers} observers, round ${round} of ${fanout.rounds}…`);
        runs.push(await measure(kind, observers, fanout));
      }
    }
  }
  const results = medianOfRounds(runs);
  const line = { bench: 'hub', machine: machine(), revision: revision(), settings: fanout };
  const targets = checkTargets(results);
  process.stdout.write(`${JSON.stringify({ ...line, results, targets, runs })}\n`);
}

main().catch((error: unknown) => {
  progress(`failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
