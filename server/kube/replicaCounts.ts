/**
 * How many of a workload's replicas (a Pod's containers) are ready, against how many it wants,
 * as its status counts them. The deploy's rollout wait and the live cluster view read the same
 * numbers, so they always agree.
 */
import { asJsonObject } from '../../shared/design/model.js';

export interface ReplicaCounts {
  ready: number;
  desired: number;
}

const count = (value: unknown, fallback: number): number =>
  typeof value === 'number' ? value : fallback;

const objects = (value: unknown) => (Array.isArray(value) ? value.map(asJsonObject) : []);

/** The counts of `kind`, or undefined for a kind that has none. */
export function replicaCounts(
  kind: string,
  spec: Record<string, unknown>,
  status: Record<string, unknown>,
): ReplicaCounts | undefined {
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
      return { ready: count(status.readyReplicas, 0), desired: count(spec.replicas, 1) };
    case 'DaemonSet':
      return {
        ready: count(status.numberReady, 0),
        desired: count(status.desiredNumberScheduled, 0),
      };
    case 'Pod':
      return {
        ready: objects(status.containerStatuses).filter((c) => c.ready === true).length,
        desired: objects(spec.containers).length,
      };
    default:
      return undefined;
  }
}
