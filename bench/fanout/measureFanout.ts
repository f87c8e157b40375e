/**
 * One run of the fan-out benchmark against one server: a writer and N observers join the room,
 * a warm-up is delivered everywhere, then a timed window of edits is sent and drained while the
 * server's CPU time is counted.
 */
import { coreBusySeconds } from '../lib/proc.js';
import { summarize, type LatencySummary } from '../lib/stats.js';
import { Observer, Writer } from './clients.js';
import { DeliveryLog } from './deliveryLog.js';
import { Core, type BenchServer, type ServerKind } from './servers.js';

export interface FanoutSettings {
  editsPerSecond: number;
  warmupSeconds: number;
  measuredSeconds: number;
}

export interface FanoutResult {
  server: ServerKind;
  observers: number;
  /** Edits sent in the timed window. */
  updates: number;
  latencyMs: LatencySummary;
  cpuUsPerUpdatePerObserver: number;
  rssMiB: number;
  /** CPU use of this process (writer and observers) in the window; near 100 it skews latency. */
  loadGeneratorCpuPercent: number;
  /** Share of the server's core that other processes used in the window; above a few percent the
   * latencies are not the server's alone. */
  otherCpuOnServerCorePercent: number;
}

/** Joining in batches keeps a connection storm from being what the server is busy with. */
const JOIN_BATCH = 50;
/** How long the last edit of a phase may take to reach every observer. */
const DRAIN_TIMEOUT_MS = 15_000;
const MIB = 2 ** 20;

export async function measureFanout(
  server: BenchServer,
  observerCount: number,
  settings: FanoutSettings,
): Promise<FanoutResult> {
  const warmup = Math.round(settings.editsPerSecond * settings.warmupSeconds);
  const updates = Math.round(settings.editsPerSecond * settings.measuredSeconds);
  const log = new DeliveryLog(warmup + updates, warmup);
  const observers: Observer[] = [];
  let writer: Writer | undefined;
  try {
    writer = await Writer.connect(server, log);
    while (observers.length < observerCount) {
      const batch = Math.min(JOIN_BATCH, observerCount - observers.length);
      const joined = Array.from({ length: batch }, () => Observer.connect(server, log));
      observers.push(...(await Promise.all(joined)));
    }

    await writer.edit(warmup, settings.editsPerSecond);
    await drained(observers, warmup);

    const cpuBefore = server.process.cpuSeconds();
    const coreBefore = coreBusySeconds(Core.server);
    const ownBefore = process.cpuUsage();
    const started = performance.now();
    await writer.edit(updates, settings.editsPerSecond);
    await drained(observers, warmup + updates);
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = server.process.cpuSeconds() - cpuBefore;
    const otherSeconds = Math.max(0, coreBusySeconds(Core.server) - coreBefore - cpuSeconds);
    const own = process.cpuUsage(ownBefore);

    return {
      server: server.kind,
      observers: observerCount,
      updates,
      latencyMs: summarize(log.latenciesMs),
      cpuUsPerUpdatePerObserver: round((cpuSeconds * 1e6) / (updates * observerCount)),
      rssMiB: round(server.process.rssBytes() / MIB),
      loadGeneratorCpuPercent: round(((own.user + own.system) / 1e6 / seconds) * 100),
      otherCpuOnServerCorePercent: round((otherSeconds / seconds) * 100),
    };
  } finally {
    writer?.close();
    for (const observer of observers) observer.close();
  }
}

/** Waits, bounded, until every observer has received exactly `count` updates. */
async function drained(observers: Observer[], count: number): Promise<void> {
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    if (observers.some((o) => o.lost)) throw new Error('the server closed an observer');
    if (observers.some((o) => o.received > count)) throw new Error('an observer got extra updates');
    if (observers.every((o) => o.received === count)) return;
    if (performance.now() > deadline) {
      const behind = observers.filter((o) => o.received < count).length;
      throw new Error(
        `${behind} observers still lack updates ${DRAIN_TIMEOUT_MS} ms after the last`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const round = (value: number): number => Number(value.toFixed(2));
