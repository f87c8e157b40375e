/**
 * How a live object is doing, in one word the cluster page colours it by, with the reason in
 * words. Read from the summary alone: ready against desired counts, a Pod's phase, a Node's
 * Ready condition, a Job's Complete or Failed condition.
 */
import type { ResourceSummary } from '../../../shared/cluster/clusterRoom';

export type Health = 'healthy' | 'progressing' | 'failing' | 'idle';

export interface HealthReport {
  health: Health;
  /** A few words: `2/3 ready`, `Pending`, `cordoned`. */
  text: string;
}

const conditionIs = (summary: ResourceSummary, type: string, status: string) =>
  summary.conditions?.some((c) => c.type === type && c.status === status) ?? false;

export function healthOf(summary: ResourceSummary): HealthReport {
  switch (summary.kind) {
    case 'Node': {
      if (!conditionIs(summary, 'Ready', 'True')) return { health: 'failing', text: 'not ready' };
      return summary.unschedulable
        ? { health: 'progressing', text: 'cordoned' }
        : { health: 'healthy', text: 'ready' };
    }
    case 'Pod': {
      const counts = `${summary.ready ?? 0}/${summary.desired ?? 0} ready`;
      if (summary.phase === 'Failed') return { health: 'failing', text: 'Failed' };
      if (summary.phase === 'Succeeded') return { health: 'idle', text: 'Succeeded' };
      if (summary.phase === 'Running' && summary.ready === summary.desired) {
        return { health: 'healthy', text: counts };
      }
      return { health: 'progressing', text: summary.phase === 'Running' ? counts : 'Pending' };
    }
    case 'Job': {
      if (conditionIs(summary, 'Failed', 'True')) return { health: 'failing', text: 'failed' };
      if (conditionIs(summary, 'Complete', 'True')) return { health: 'idle', text: 'complete' };
      return { health: 'progressing', text: 'running' };
    }
  }
  if (summary.desired !== undefined) {
    const ready = summary.ready ?? 0;
    const text = `${ready}/${summary.desired} ready`;
    if (conditionIs(summary, 'ReplicaFailure', 'True')) return { health: 'failing', text };
    if (summary.desired === 0) return { health: 'idle', text: 'scaled to 0' };
    return { health: ready >= summary.desired ? 'healthy' : 'progressing', text };
  }
  if (summary.phase) {
    const failing = ['Failed', 'Lost', 'Terminating'].includes(summary.phase);
    const waiting = summary.phase === 'Pending';
    return {
      health: failing ? 'failing' : waiting ? 'progressing' : 'healthy',
      text: summary.phase,
    };
  }
  return { health: 'healthy', text: '' };
}
