/**
 * `npm run bench:inference`: the relationship engine on generated designs of 100, 1,000 and
 * 10,000 components (bench/lib/realisticDesign.ts) with the shipped Kubernetes definitions.
 * Measures evaluation from cold (a new engine given the whole design) and the cost of one
 * component edit (a Deployment's replicas, then its labels, alternately), and reports the ratio
 * of edit cost at 10,000 to 1,000 components. The engine is the compiled one (dist/, as the hub
 * runs it), in this process: the hub's path to the derived room is measured once inference
 * runs in the hub.
 *
 * Prints one JSON line. Env: BENCH_EDITS (edits per size, default 2000).
 */
import { buildOnce, compiledUrl } from './lib/build.js';
import { deploymentsOf, realisticDesign } from './lib/realisticDesign.js';
import { machine, pinSelf } from './lib/proc.js';
import { round, summarize } from './lib/stats.js';

buildOnce();
const { RelationshipEngine } = (await import(
  compiledUrl('shared/relationships/engine.ts')
)) as typeof import('../shared/relationships/engine.js');
const { KUBERNETES_RELATIONSHIPS } = (await import(
  compiledUrl('shared/relationships/kubernetes.ts')
)) as typeof import('../shared/relationships/kubernetes.js');

const SIZES = [100, 1_000, 10_000];
const EDITS = Number(process.env.BENCH_EDITS ?? 2_000);
const COLD_RUNS = 3;

function measure(size: number) {
  const design = realisticDesign(size);
  const coldMs: number[] = [];
  let engine = new RelationshipEngine(KUBERNETES_RELATIONSHIPS);
  for (let run = 0; run < COLD_RUNS; run++) {
    engine = new RelationshipEngine(KUBERNETES_RELATIONSHIPS);
    const started = performance.now();
    engine.update({ upserted: design, removed: [] });
    coldMs.push(performance.now() - started);
  }
  const relationships = engine.relationships.size;
  const deployments = deploymentsOf(design);
  const editMs: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const original = deployments[i % deployments.length]!;
    const spec = original.config.spec as Record<string, unknown>;
    // Alternate a field no definition reads with one that moves relationships.
    const edited =
      i % 2 === 0
        ? { ...original, config: { ...original.config, spec: { ...spec, replicas: 3 + (i % 5) } } }
        : { ...original, labels: { ...original.labels, release: `r${i}` } };
    const started = performance.now();
    engine.update({ upserted: [edited], removed: [] });
    editMs.push(performance.now() - started);
    engine.update({ upserted: [original], removed: [] });
  }
  return {
    components: size,
    relationships,
    coldMs: { min: round(Math.min(...coldMs)), max: round(Math.max(...coldMs)) },
    editMs: summarize(editMs),
  };
}

pinSelf(1);
const results = SIZES.map(measure);
const at = (size: number) => results.find((result) => result.components === size)!;
console.log(
  JSON.stringify({
    bench: 'inference',
    machine: machine(),
    edits: EDITS,
    results,
    editP50Ratio10kTo1k: round(at(10_000).editMs.p50 / at(1_000).editMs.p50, 2),
    editP99Ratio10kTo1k: round(at(10_000).editMs.p99 / at(1_000).editMs.p99, 2),
  }),
);
