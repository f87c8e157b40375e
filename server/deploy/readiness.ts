/**
 * Whether an applied workload has rolled out: its controller has seen the latest spec and
 * enough replicas are ready. Kinds without a rollout are ready once applied.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { replicaCounts } from '../kube/replicaCounts.js';

export interface Readiness {
  ready: boolean;
  /** Progress in a few words ("2/3 ready"), or why it cannot become ready. */
  message: string;
  /** It will not become ready by waiting (a failed Job). */
  failed?: boolean;
}

type Observed = KubernetesObject & {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

/** Kinds whose readiness is worth waiting for. */
export const ROLLOUT_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Pod',
  'Job',
]);

const count = (value: unknown, fallback = 0): number =>
  typeof value === 'number' ? value : fallback;

export function readiness(object: Observed): Readiness {
  const spec = object.spec ?? {};
  const status = object.status ?? {};
  const seen =
    count(status.observedGeneration, Number.MAX_SAFE_INTEGER) >= count(object.metadata?.generation);
  switch (object.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet': {
      const { ready, desired } = replicaCounts(object.kind, spec, status)!;
      const updated = object.kind === 'ReplicaSet' ? desired : count(status.updatedReplicas);
      return {
        ready: seen && ready >= desired && updated >= desired,
        message: `${ready}/${desired} ready`,
      };
    }
    case 'DaemonSet': {
      const { ready, desired } = replicaCounts(object.kind, spec, status)!;
      return { ready: seen && ready >= desired, message: `${ready}/${desired} ready` };
    }
    case 'Pod': {
      const ready = conditionTrue(status, 'Ready');
      return { ready, message: ready ? 'ready' : `phase ${String(status.phase ?? 'Pending')}` };
    }
    case 'Job': {
      if (conditionTrue(status, 'Failed')) return { ready: false, failed: true, message: 'failed' };
      const done = conditionTrue(status, 'Complete');
      const wanted = count(spec.completions, 1);
      return { ready: done, message: `${count(status.succeeded)}/${wanted} succeeded` };
    }
    default:
      return { ready: true, message: 'applied' };
  }
}

function conditionTrue(status: Record<string, unknown>, type: string): boolean {
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.some(
    (condition: { type?: unknown; status?: unknown }) =>
      condition.type === type && condition.status === 'True',
  );
}
