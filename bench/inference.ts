/**
 * `npm run bench:inference`: relationship inference on generated designs of 100, 1,000 and
 * 10,000 components (bench/lib/realisticDesign.ts) with the shipped Kubernetes definitions:
 * - the engine alone (bench/inference/engine.ts): evaluation from cold, and one edit;
 * - through the hub (bench/inference/hub.ts): one edit → the derived room updated, as a
 *   client of the derived room sees it.
 * Reports the ratio of edit cost at 10,000 to 1,000 components. Prints one JSON line; progress
 * on stderr. Env: BENCH_EDITS (engine edits per size, 2000), BENCH_HUB_EDITS (hub edits, 300).
 */
import { measureEngine } from './inference/engine.js';
import { measureThroughHub } from './inference/hub.js';
import { machine, pinSelf } from './lib/proc.js';
import { round } from './lib/stats.js';

const SIZES = [100, 1_000, 10_000];
const EDITS = Number(process.env.BENCH_EDITS ?? 2_000);
const HUB_EDITS = Number(process.env.BENCH_HUB_EDITS ?? 300);
const LOAD_GENERATOR_CORE = 1;

const progress = (text: string) => process.stderr.write(`bench:inference ${text}\n`);

pinSelf(LOAD_GENERATOR_CORE);
const engine = SIZES.map((size) => {
  progress(`engine, ${size} components…`);
  return measureEngine(size, EDITS);
});
const hub = [];
for (const size of SIZES) {
  progress(`hub, ${size} components…`);
  hub.push(await measureThroughHub(size, HUB_EDITS));
}

const ratio = <T>(results: T[], pick: (result: T) => number) =>
  round(pick(results[2]!) / pick(results[1]!), 2);
console.log(
  JSON.stringify({
    bench: 'inference',
    machine: machine(),
    edits: { engine: EDITS, hub: HUB_EDITS },
    engine,
    hub,
    ratios10kTo1k: {
      engineEditP50: ratio(engine, (r) => r.editMs.p50),
      engineEditP99: ratio(engine, (r) => r.editMs.p99),
      hubEditP50: ratio(hub, (r) => r.editToDerivedMs.p50),
      hubEditP99: ratio(hub, (r) => r.editToDerivedMs.p99),
    },
  }),
);
