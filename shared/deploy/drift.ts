/**
 * Drift: fields a deployed design sets that differ on the cluster (replicas scaled by hand, an
 * image changed, the object deleted). The hub writes them to the design's derived room under
 * `drift` (component id → findings, every connection's together), where the canvas reads them.
 */
import type { JsonValue } from '../design/model.js';

export interface DriftFinding {
  /** The connection the object is deployed on. */
  connection: string;
  component: string;
  kind: string;
  namespace?: string;
  name: string;
  /**
   * Where in the component, as findings name fields: `config.spec.replicas`,
   * `config.spec.template.spec.containers[0].image` (the index is the design's), `labels.app`,
   * `labels["app.kubernetes.io/name"]`. A deleted object is `config`.
   */
  path: string;
  /** What the design sets. */
  designValue: JsonValue;
  /** What the cluster has; null when the field or the whole object is missing. */
  clusterValue: JsonValue | null;
  /** One readable line: `replicas is 5 on sandbox; the design says 2`. */
  message: string;
}

/** One step into a component: a key of an object or an index into a list. */
export type DriftStep = string | number;

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * The path string of steps into a component.
 * @example driftPath(['config', 'spec', 'containers', 0, 'image']) // 'config.spec.containers[0].image'
 * @example driftPath(['labels', 'app.kubernetes.io/name']) // 'labels["app.kubernetes.io/name"]'
 */
export function driftPath(steps: readonly DriftStep[]): string {
  let path = '';
  for (const step of steps) {
    if (typeof step === 'number') path += `[${step}]`;
    else if (PLAIN_KEY.test(step)) path += path === '' ? step : `.${step}`;
    else path += `[${JSON.stringify(step)}]`;
  }
  return path;
}
