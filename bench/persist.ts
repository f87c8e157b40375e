/**
 * `npm run bench:persist`: sustained small updates through the hub with `?acks=1`, timed from
 * send to durability acknowledgement. Targets: ≥ 20,000 updates/s with p99 < 25 ms.
 *
 * For each offered rate of a sweep, a fresh hub (pinned to core 0, own data folder) gets
 * writers spread over a few designs, each its own Y.Doc sending `map.set` updates over a bare
 * WebSocket; the load generator runs pinned to core 1 and makes every update of a rate before
 * offering it, so that its core goes to sending and timing. Prints one JSON line; progress on stderr.
 *
 * Environment: BENCH_SECONDS (measured seconds per rate, default 10), BENCH_WARMUP_SECONDS (2),
 * BENCH_RATES (offered updates/s, default 1000,2500,5000,10000,20000,30000), BENCH_WRITERS (16),
 * BENCH_DESIGNS (16: one writer per design, so this measures persistence, not fan-out), BENCH_HUB_FLAGS (extra hub flags, space-separated).
 */
import { tmpdir } from 'node:os';
import { filesystemType, tempDataDir } from './lib/dataDir.js';
import { WriterPool } from './lib/writerPool.js';
import { pace, waitUntil } from './lib/pace.js';
import { coreBusySeconds, machine, pinSelf, waitForQuietCores } from './lib/proc.js';
import { round, summarize } from './lib/stats.js';
import { createDesign, readMetrics, startWeft, type WeftHub } from './lib/weftHub.js';

const env = process.env;
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(env.BENCH_WARMUP_SECONDS ?? 2);
const RATES = (env.BENCH_RATES ?? '1000,2500,5000,10000,20000,30000').split(',').map(Number);
const WRITERS = Number(env.BENCH_WRITERS ?? 16);
const DESIGNS = Number(env.BENCH_DESIGNS ?? 16);
const HUB_FLAGS = env.BENCH_HUB_FLAGS?.split(' ').filter(Boolean) ?? [];
const TARGET = { updatesPerSecond: 20_000, p99AckMs: 25 };
/** How long updates sent in the window may still take to be acknowledged after it. */
const DRAIN_MS = 2_000;
/** A rate is abandoned once an update has waited this long: the hub is overloaded. */
const GIVE_UP_WAIT_MS = 2_000;
/** The data is thrown away: an overloaded hub need not finish its backlog before exiting. */
const STOP_GRACE_MS = 10_000;
const RSS_SAMPLE_MS = 250;
/** A rate is sustained when this share of it was both sent and acknowledged in the window. */
const SUSTAINED_SHARE = 0.99;
const SERVER_CORE = 0;
const GENERATOR_CORE = 1;
const CORES = [SERVER_CORE, GENERATOR_CORE];
/** Before each rate, wait (up to QUIET_WAIT_MS) for both cores to be this idle. */
const QUIET_BUSY_PERCENT = 10;
const QUIET_WAIT_MS = 60_000;

const log = (message: string) => process.stderr.write(`bench:persist ${message}\n`);

/** Offers `rate` updates/s to a fresh hub; null if an update waited longer than GIVE_UP_WAIT_MS. */
async function measureRate(rate: number) {
  const data = await tempDataDir('weft-bench-persist-');
  let hub: WeftHub | undefined;
  let pool: WriterPool | undefined;
  try {
    hub = await startWeft(SERVER_CORE, data.path, HUB_FLAGS);
    const designs: string[] = [];
    for (let i = 0; i < DESIGNS; i++) designs.push(await createDesign(hub.url, `bench ${i}`));
    pool = await WriterPool.connect(hub.wsUrl, designs, WRITERS);
    const overloaded = () => pool!.waitedLongerThan(GIVE_UP_WAIT_MS);
    pool.prepare(rate * (WARMUP_SECONDS + SECONDS));
    const warmup = await pace(rate, WARMUP_SECONDS * 1000, pool.write, overloaded);
    return warmup.gaveUp ? null : await measureWindow(hub, pool, rate, overloaded);
  } finally {
    // Terminate rather than close: an overloaded hub would first have to read the whole backlog.
    pool?.terminate();
    await hub?.stop(STOP_GRACE_MS);
    await data.remove();
  }
}

/** The measured window at one rate, after the warm-up; null if the hub fell behind. */
async function measureWindow(
  hub: WeftHub,
  pool: WriterPool,
  rate: number,
  overloaded: () => boolean,
) {
  pool.recording = true;
  const metricsBefore = await readMetrics(hub.url);
  const cpuBefore = hub.cpuSeconds();
  const generatorBefore = process.cpuUsage();
  const coresBefore = CORES.map(coreBusySeconds);
  let rssPeak = hub.rssBytes();
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, hub.rssBytes())), RSS_SAMPLE_MS);
  const window = await pace(rate, SECONDS * 1000, pool.write, overloaded);
  pool.recording = false;
  clearInterval(sampler);
  // An overloaded hub answers HTTP late and its numbers mean little: report only that.
  if (window.gaveUp) return null;
  const seconds = window.ms / 1000;
  const serverCpu = hub.cpuSeconds() - cpuBefore;
  const generator = process.cpuUsage(generatorBefore);
  const generatorCpu = (generator.user + generator.system) / 1e6;
  // How busy the two cores were, whoever ran: well above the server's and the generator's own
  // CPU, other work got in the way (slightly below is normal, interrupt time is not counted).
  const coresBusy = CORES.map((core, i) => coreBusySeconds(core) - coresBefore[i]!);
  const rss = hub.rssBytes();
  await waitUntil(() => pool.unackedRecorded === 0, DRAIN_MS);
  const metricsAfter = await readMetrics(hub.url);

  const delta = (name: string) => (metricsAfter.get(name) ?? 0) - (metricsBefore.get(name) ?? 0);
  const flushes = delta('weft_persist_flush_seconds_count');
  const flushesWithinBudget = delta(
    `weft_persist_flush_seconds_bucket{le="${TARGET.p99AckMs / 1000}"}`,
  );
  const unacked = pool.unackedRecorded;
  const ackedPerSecond = pool.ackedPerSecond();
  return {
    offeredPerSecond: rate,
    sentPerSecond: Math.round(window.sent / seconds),
    ackedPerSecond: Math.round(ackedPerSecond),
    unacked,
    ackMs: summarize(pool.latencies()),
    sustained:
      unacked === 0 &&
      window.sent >= SUSTAINED_SHARE * rate * SECONDS &&
      ackedPerSecond >= SUSTAINED_SHARE * rate,
    serverCpuCores: round(serverCpu / seconds, 2),
    serverRssMiB: round(rss / 2 ** 20),
    serverRssPeakMiB: round(Math.max(rssPeak, rss) / 2 ** 20),
    generatorCpuCores: round(generatorCpu / seconds, 2),
    /** [server core, generator core]. */
    coreBusyCores: coresBusy.map((busy) => round(busy / seconds, 2)),
    flushesPerSecond: Math.round(flushes / seconds),
    meanFlushMs: round((delta('weft_persist_flush_seconds_sum') / flushes) * 1000, 2),
    /**
     * Sampled LMDB flushes (write → on disk) slower than the whole p99 budget: the disk's share
     * of the tail, which no work in the hub can take away.
     */
    flushesOverBudgetShare: round((flushes - flushesWithinBudget) / flushes, 4),
    compactions: delta('weft_compactions_total'),
  };
}

type Measured = NonNullable<Awaited<ReturnType<typeof measureWindow>>>;
/** A rate at which some update waited longer than GIVE_UP_WAIT_MS for its acknowledgement. */
type Overloaded = { offeredPerSecond: number; overloaded: true; sustained: false };
type Step = Measured | Overloaded;

async function main(): Promise<void> {
  pinSelf(GENERATOR_CORE);
  log(`${WRITERS} writers in ${DESIGNS} designs, ${SECONDS} s per rate: ${RATES.join(', ')} /s`);
  const steps: Step[] = [];
  for (const rate of RATES) {
    if (!(await waitForQuietCores(CORES, QUIET_BUSY_PERCENT, QUIET_WAIT_MS))) {
      log(`cores ${CORES.join(', ')} still busy with other work: measuring anyway`);
    }
    log(`offering ${rate} updates/s`);
    const step: Step = (await measureRate(rate)) ?? {
      offeredPerSecond: rate,
      overloaded: true,
      sustained: false,
    };
    log(JSON.stringify(step));
    steps.push(step);
  }
  const sustained = steps.filter((step): step is Measured => step.sustained);
  const withinP99 = sustained.filter((step) => step.ackMs.p99 < TARGET.p99AckMs);
  const maxRate = (list: Measured[]) => Math.max(0, ...list.map((step) => step.offeredPerSecond));
  const atTarget = sustained.find((step) => step.offeredPerSecond === TARGET.updatesPerSecond);
  console.log(
    JSON.stringify({
      bench: 'persist',
      machine: machine(),
      config: {
        seconds: SECONDS,
        warmupSeconds: WARMUP_SECONDS,
        writers: WRITERS,
        designs: DESIGNS,
        hubFlags: HUB_FLAGS,
        dataFilesystem: filesystemType(tmpdir()),
        serverCore: SERVER_CORE,
        generatorCore: GENERATOR_CORE,
      },
      steps,
      maxSustainedPerSecond: maxRate(sustained),
      maxSustainedWithinP99PerSecond: maxRate(withinP99),
      targets: {
        updatesPerSecond: TARGET.updatesPerSecond,
        p99AckMs: TARGET.p99AckMs,
        updatesPerSecondPass: maxRate(sustained) >= TARGET.updatesPerSecond,
        // Judged at the target rate: a low p99 at a lower rate does not meet the issue.
        p99AckPass: atTarget !== undefined && atTarget.ackMs.p99 < TARGET.p99AckMs,
      },
    }),
  );
}

await main();
