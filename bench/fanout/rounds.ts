/**
 * Several rounds of the same run, reduced to one result per server and observer count: the
 * median of each measure. On a shared 2-core VM one run can differ from the next by 10–20%, more
 * than the differences between servers being compared; medians of interleaved rounds do not.
 */
import type { FanoutResult } from './measureFanout.js';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** One result per (server, observers), each field the median over its rounds. */
export function medianOfRounds(runs: FanoutResult[]): FanoutResult[] {
  const groups = new Map<string, FanoutResult[]>();
  for (const run of runs) {
    const key = `${run.server}/${run.observers}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((rounds) => {
    const of = (pick: (run: FanoutResult) => number) => Number(median(rounds.map(pick)).toFixed(3));
    return {
      server: rounds[0]!.server,
      observers: rounds[0]!.observers,
      updates: rounds[0]!.updates,
      latencyMs: {
        count: of((run) => run.latencyMs.count),
        p50: of((run) => run.latencyMs.p50),
        p99: of((run) => run.latencyMs.p99),
        max: of((run) => run.latencyMs.max),
      },
      cpuUsPerUpdatePerObserver: of((run) => run.cpuUsPerUpdatePerObserver),
      rssMiB: of((run) => run.rssMiB),
      loadGeneratorCpuPercent: of((run) => run.loadGeneratorCpuPercent),
      otherCpuOnServerCorePercent: of((run) => run.otherCpuOnServerCorePercent),
    };
  });
}
