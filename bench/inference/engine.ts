/**
 * The relationship engine alone, compiled (dist/, as the hub runs it), in this process: from
 * cold (a new engine given the whole design) and per one-component edit (a Deployment's
 * replicas, a field no definition reads, and its labels, alternately).
 */
import { buildOnce, compiledUrl } from '../lib/build.js';
import { deploymentsOf, realisticDesign } from '../lib/realisticDesign.js';
import { round, summarize } from '../lib/stats.js';

buildOnce();
const { RelationshipEngine } = (await import(
  compiledUrl('shared/relationships/engine.ts')
)) as typeof import('../../shared/relationships/engine.js');
const { KUBERNETES_RELATIONSHIPS } = (await import(
  compiledUrl('shared/relationships/kubernetes.ts')
)) as typeof import('../../shared/relationships/kubernetes.js');

const COLD_RUNS = 3;

export function measureEngine(size: number, edits: number) {
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
  for (let i = 0; i < edits; i++) {
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
