/**
 * Whether a value the design sets and the value the cluster holds mean the same, allowing for
 * what an API server does to what it stores. Conservative: where in doubt, the same, because
 * false drift teaches people to ignore drift.
 *
 * - Quantities are compared by value where the field holds quantities (`requests`, `limits`,
 *   a quota's `hard`, `sizeLimit`, …): the API server rewrites `0.5` as `500m` and `1024Mi`
 *   as `1Gi`.
 * - A number and a string of that number are the same (ports and int-or-string fields given
 *   as strings).
 * - `false`, `0` and `""` are the same as nothing: the API server drops such values of
 *   `omitempty` fields (`hostNetwork: false`), so a missing field is not drift for them.
 */
import { quantityValue } from '../kube/quantity.js';
import type { DriftStep } from '../../shared/deploy/drift.js';
import type { JsonValue } from '../../shared/design/model.js';

/** Keys whose values are maps of quantities (a container's `limits`, a quota's `hard`). */
const QUANTITY_MAPS = new Set([
  'requests',
  'limits',
  'hard',
  'capacity',
  'allocatable',
  'overhead',
  'default',
  'defaultRequest',
  'max',
  'min',
  'maxLimitRequestRatio',
]);
/** Keys whose values are quantities themselves. */
const QUANTITY_FIELDS = new Set(['sizeLimit']);

/** Whether the field at `steps` holds a quantity. */
function isQuantityField(steps: readonly DriftStep[]): boolean {
  const last = steps.at(-1);
  const parent = steps.at(-2);
  return (
    (typeof last === 'string' && QUANTITY_FIELDS.has(last)) ||
    (typeof parent === 'string' && QUANTITY_MAPS.has(parent))
  );
}

/** Whether two scalars at `steps` (the design's and the cluster's) mean the same. */
export function sameScalar(
  steps: readonly DriftStep[],
  design: JsonValue,
  cluster: JsonValue,
): boolean {
  if (design === cluster) return true;
  if (typeof design === 'number' && typeof cluster === 'string') {
    if (String(design) === cluster.trim()) return true;
  }
  if (typeof design === 'string' && typeof cluster === 'number') {
    if (design.trim() === String(cluster)) return true;
  }
  if (isQuantityField(steps)) {
    const a = quantityValue(design);
    const b = quantityValue(cluster);
    if (a !== undefined && b !== undefined) return nearlyEqual(a, b);
  }
  return false;
}

/** Whether an API server may leave out a field set to `value` (an empty or zero value). */
export function omittable(value: JsonValue): boolean {
  if (value === null || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.every(omittable);
  if (typeof value === 'object') return Object.values(value).every(omittable);
  return false;
}

/** Equal up to floating-point rounding (`0.1` and `100m` computed through different scales). */
const nearlyEqual = (a: number, b: number): boolean =>
  a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
