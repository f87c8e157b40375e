/**
 * The targets for the hub: CPU per update per observer no higher than the reference
 * server's at every N, and p99 delivery latency at 200 observers within 1.5× of the floor's.
 */
import type { FanoutResult } from './measureFanout.js';
import { ServerKind } from './servers.js';

export const TARGETS = { p99Observers: 200, p99MaxRatioToFloor: 1.5 } as const;

export function checkTargets(results: FanoutResult[]) {
  const find = (server: ServerKind, observers: number) =>
    results.find((r) => r.server === server && r.observers === observers);
  const counts = [...new Set(results.map((r) => r.observers))];

  const cpuVsReference = Object.fromEntries(
    counts.map((observers) => {
      const weft = find(ServerKind.weft, observers)?.cpuUsPerUpdatePerObserver ?? NaN;
      const reference = find(ServerKind.reference, observers)?.cpuUsPerUpdatePerObserver ?? NaN;
      return [observers, { weft, reference, pass: weft <= reference }];
    }),
  );

  const weftP99 = find(ServerKind.weft, TARGETS.p99Observers)?.latencyMs.p99 ?? NaN;
  const floorP99 = find(ServerKind.floor, TARGETS.p99Observers)?.latencyMs.p99 ?? NaN;
  const ratio = Number((weftP99 / floorP99).toFixed(2));
  const p99At200VsFloor = {
    weft: weftP99,
    floor: floorP99,
    ratio,
    limit: TARGETS.p99MaxRatioToFloor,
    pass: ratio <= TARGETS.p99MaxRatioToFloor,
  };

  const cpuPass = Object.values(cpuVsReference).every((c) => c.pass);
  return { cpuVsReference, p99At200VsFloor, pass: cpuPass && p99At200VsFloor.pass };
}
