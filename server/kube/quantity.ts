/**
 * Kubernetes resource quantities (`500m`, `2`, `128Mi`, `1G`, `1e3`) as plain numbers: enough to
 * compare a request with a node's capacity (the sandbox) or the design's value with the
 * cluster's normalised one (drift).
 */
const SUFFIXES: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
/** `<number><exponent or suffix>`; `1E3` is an exponent, `1E` the suffix exa, as in Kubernetes. */
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

/** A quantity's value (`500m` → 0.5); undefined for anything that is not one. */
export function quantityValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value.trim());
  if (!match) return undefined;
  const [, digits, exponent, suffix = ''] = match;
  return Number(digits) * (exponent === undefined ? SUFFIXES[suffix]! : 10 ** Number(exponent));
}
