/**
 * Kubernetes resource quantities (`500m`, `2`, `128Mi`, `1G`, `1e3`) as plain numbers, enough to
 * compare requests with a node's capacity.
 */
const SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
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

/** The value of a quantity; `NaN` for text that is not one. */
export function quantity(value: unknown): number {
  if (typeof value === 'number') return value;
  const match = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(String(value).trim());
  if (!match) return Number.NaN;
  const multiplier = SUFFIXES[match[2]!];
  return multiplier === undefined ? Number.NaN : Number(match[1]) * multiplier;
}

/**
 * An int-or-string like `maxSurge: 25%` as a count of `total`. Percentages round up or down
 * depending on the field, as Kubernetes rounds them (surge up, a Deployment's unavailability
 * down, a DaemonSet's unavailability up).
 */
export function scaledIntOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'string' && value.endsWith('%')) {
    const exact = (Number(value.slice(0, -1)) / 100) * total;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  return Number(value ?? 0);
}
