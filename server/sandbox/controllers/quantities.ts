import { quantityValue } from '../../kube/quantity.js';

/** The value of a quantity; `NaN` for text that is not one. */
export const quantity = (value: unknown): number => quantityValue(value) ?? Number.NaN;

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
