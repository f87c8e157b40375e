/**
 * A Deployment's status from its ReplicaSets: the counts `kubectl rollout status` compares, and
 * the `Available` and `Progressing` conditions, including `ProgressDeadlineExceeded` when a
 * rollout has not moved for `progressDeadlineSeconds` (pods that cannot pull or keep crashing).
 */
import { asObject, isPlainObject, timestamp, type KubeObject } from '../kubeObject.js';
import { scaledIntOrPercent } from './quantities.js';

type Json = Record<string, unknown>;

/** A count from a ReplicaSet's status (`replicas`, `availableReplicas`, …); 0 if unset. */
export const statusCount = (set: KubeObject | undefined, field: string): number =>
  Number((set && isPlainObject(set.status) ? set.status[field] : 0) ?? 0);
/** A ReplicaSet's `spec.replicas`. */
export const replicasOf = (set: KubeObject): number =>
  Number((set.spec as Json | undefined)?.replicas ?? 0);

const conditionOf = (deployment: KubeObject, type: string): Json | undefined => {
  const status = asObject(deployment.status);
  return (Array.isArray(status.conditions) ? status.conditions : []).find(
    (condition): condition is Json => isPlainObject(condition) && condition.type === type,
  );
};

/** A condition that keeps its timestamps while its status and reason stay the same. */
function condition(
  previous: Json | undefined,
  type: string,
  status: string,
  reason: string,
  message: string,
  progressed: boolean,
): Json {
  const now = timestamp();
  const same = previous?.status === status && previous.reason === reason;
  return {
    type,
    status,
    lastUpdateTime: same && !progressed ? previous.lastUpdateTime : now,
    lastTransitionTime: same ? previous.lastTransitionTime : now,
    reason,
    message,
  };
}

export function deploymentStatus(
  deployment: KubeObject,
  current: KubeObject | undefined,
  sets: KubeObject[],
): { status: Json; recheckAfterMs?: number } {
  const spec = (deployment.spec ?? {}) as Json;
  const desired = Number(spec.replicas ?? 1);
  const previous = asObject(deployment.status) as Json;
  const sum = (field: string) => sets.reduce((total, set) => total + statusCount(set, field), 0);
  const counts = {
    replicas: sum('replicas'),
    updatedReplicas: statusCount(current, 'replicas'),
    readyReplicas: sum('readyReplicas'),
    availableReplicas: sum('availableReplicas'),
  };
  const unavailableReplicas = Math.max(0, desired - counts.availableReplicas);
  const progressed = (Object.keys(counts) as (keyof typeof counts)[]).some(
    (field) => Number(previous[field] ?? 0) !== counts[field],
  );

  const rolling = (spec.strategy as Json | undefined)?.rollingUpdate as Json | undefined;
  const tolerated = scaledIntOrPercent(rolling?.maxUnavailable ?? '25%', desired, false);
  const available = counts.availableReplicas >= desired - tolerated;
  const oldReplicas = sets
    .filter((set) => set !== current)
    .reduce((total, set) => total + replicasOf(set), 0);
  const complete =
    counts.updatedReplicas === desired &&
    counts.availableReplicas === desired &&
    oldReplicas === 0 &&
    counts.replicas === desired;

  const name = current?.metadata.name ?? deployment.metadata.name;
  const previousProgress = conditionOf(deployment, 'Progressing');
  const deadlineMs = Number(spec.progressDeadlineSeconds ?? 600) * 1000;
  let progressing: Json;
  let recheckAfterMs: number | undefined;
  if (complete) {
    progressing = condition(
      previousProgress,
      'Progressing',
      'True',
      'NewReplicaSetAvailable',
      `ReplicaSet "${name}" has successfully progressed.`,
      progressed,
    );
  } else {
    progressing = condition(
      previousProgress,
      'Progressing',
      'True',
      'ReplicaSetUpdated',
      `ReplicaSet "${name}" is progressing.`,
      progressed,
    );
    const idleMs = Date.now() - Date.parse(String(progressing.lastUpdateTime));
    if (previousProgress?.reason === 'ProgressDeadlineExceeded' && !progressed) {
      progressing = previousProgress;
    } else if (idleMs >= deadlineMs) {
      progressing = condition(
        previousProgress,
        'Progressing',
        'False',
        'ProgressDeadlineExceeded',
        `ReplicaSet "${name}" has timed out progressing.`,
        false,
      );
    } else {
      recheckAfterMs = deadlineMs - idleMs + 10;
    }
  }
  return {
    status: {
      observedGeneration: deployment.metadata.generation,
      ...counts,
      ...(unavailableReplicas > 0 ? { unavailableReplicas } : {}),
      conditions: [
        condition(
          conditionOf(deployment, 'Available'),
          'Available',
          available ? 'True' : 'False',
          available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          available
            ? 'Deployment has minimum availability.'
            : 'Deployment does not have minimum availability.',
          false,
        ),
        progressing,
      ],
    },
    ...(recheckAfterMs !== undefined ? { recheckAfterMs } : {}),
  };
}
