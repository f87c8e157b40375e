/**
 * Runs each Job's pods to completion, as kube-controller-manager's job controller does: keeps
 * `min(parallelism, completions - succeeded)` pods active, counts the ones that succeed and
 * fail, and ends the Job `Complete` once enough succeeded or `Failed` once failures pass
 * `backoffLimit` or it outlives `activeDeadlineSeconds` (its remaining pods are then deleted).
 * A suspended Job has its active pods deleted and creates none; a finished one with
 * `ttlSecondsAfterFinished` is deleted that long after it finished.
 *
 * Simplified: counts are of the finished pods that exist (no job-tracking finalizers), never
 * going down, so a finished pod deleted while its Job runs is still counted but one deleted
 * while active is not counted as failed; a failed pod is replaced at once, without Kubernetes'
 * growing delay; `completionMode: Indexed`, `podFailurePolicy` and `successPolicy` are ignored.
 */
import { isDeepStrictEqual } from 'node:util';
import { asObject, isPlainObject, timestamp, type KubeObject } from '../kubeObject.js';
import {
  controllerReference,
  CREATE_BATCH_PAUSE_MS,
  MAX_CREATES_PER_SYNC,
  keyOf,
  nowOf,
  splitKey,
  type ControllerContext,
} from './controllerContext.js';
import {
  isPodActive,
  isPodFinished,
  isPodReady,
  podFromTemplate,
  podPhase,
  templateOf,
} from './podTemplates.js';
import { OwnerController } from './ownerController.js';

const COMPONENT = 'job-controller';

type Json = Record<string, unknown>;

/** Why a Job ended: the conditions it gets, and the event that says so. */
interface Outcome {
  conditions: [string, string];
  reason: string;
  message: string;
}

const COMPLETED: Outcome = {
  conditions: ['SuccessCriteriaMet', 'Complete'],
  reason: 'CompletionsReached',
  message: 'Reached expected number of succeeded pods',
};
const BACKOFF_LIMIT_EXCEEDED: Outcome = {
  conditions: ['FailureTarget', 'Failed'],
  reason: 'BackoffLimitExceeded',
  message: 'Job has reached the specified backoff limit',
};
const DEADLINE_EXCEEDED: Outcome = {
  conditions: ['FailureTarget', 'Failed'],
  reason: 'DeadlineExceeded',
  message: 'Job was active longer than specified deadline',
};

export class JobController extends OwnerController {
  constructor(context: ControllerContext) {
    super(context, 'job', context.kinds.job, context.kinds.pod);
  }

  protected sync(key: string): void {
    const { resources, kinds } = this.context;
    const [namespace, name] = splitKey(key);
    const job = resources.find(kinds.job, namespace, name);
    if (!job || job.metadata.deletionTimestamp) return;
    const status = asObject(job.status);
    if (finishedCondition(job)) return this.expireFinished(job);

    const spec = asObject(job.spec);
    const now = nowOf(this.context.timings);
    const stamp = timestamp(new Date(now));
    const pods = this.context.owners.controlledBy(job, kinds.pod);
    const phases = (phase: string) => pods.filter((pod) => podPhase(pod) === phase).length;
    const succeeded = Math.max(count(status.succeeded), phases('Succeeded'));
    const failed = Math.max(count(status.failed), phases('Failed'));
    let active = pods.filter(isPodActive);
    let conditions = (Array.isArray(status.conditions) ? status.conditions : []) as Json[];
    let startTime = typeof status.startTime === 'string' ? status.startTime : undefined;
    const suspended = spec.suspend === true;

    const outcome = this.outcomeOf(spec, { succeeded, failed, active, startTime, suspended, now });
    if (outcome) {
      active = this.deletePods(job, active);
      for (const type of outcome.conditions) {
        conditions = withCondition(conditions, type, 'True', outcome, stamp);
      }
      if (outcome === COMPLETED) this.record(job, 'Normal', 'Completed', 'Job completed');
      else this.record(job, 'Warning', outcome.reason, outcome.message);
    } else if (suspended) {
      active = this.deletePods(job, active);
      const next = withCondition(conditions, 'Suspended', 'True', SUSPENDED, stamp);
      if (next !== conditions) this.record(job, 'Normal', 'Suspended', 'Job suspended');
      conditions = next;
    } else {
      const next = withCondition(conditions, 'Suspended', 'False', RESUMED, stamp);
      if (next !== conditions) {
        this.record(job, 'Normal', 'Resumed', 'Job resumed');
        // The deadline counts time spent active: a resumed Job starts its clock again.
        startTime = stamp;
      }
      conditions = next;
      startTime ??= stamp;
      active = this.scale(job, active, wantedActive(spec, succeeded));
      this.watchDeadline(job, spec, startTime, now);
    }

    const updated: Json = {
      ...(conditions.length > 0 ? { conditions } : {}),
      ...(startTime ? { startTime } : {}),
      ...(outcome === COMPLETED ? { completionTime: stamp } : {}),
      ...(active.length > 0 ? { active: active.length } : {}),
      ...(succeeded > 0 ? { succeeded } : {}),
      ...(failed > 0 ? { failed } : {}),
      ready: active.filter(isPodReady).length,
      terminating: pods.filter((pod) => pod.metadata.deletionTimestamp && !isPodFinished(pod))
        .length,
      uncountedTerminatedPods: {},
    };
    if (!isDeepStrictEqual(status, updated)) {
      resources.update(
        kinds.job,
        namespace,
        name,
        { ...job, status: updated },
        { subresource: 'status' },
      );
    }
  }

  /** Whether the Job has just ended, and how; success is checked first, as in Kubernetes. */
  private outcomeOf(
    spec: Json,
    state: {
      succeeded: number;
      failed: number;
      active: KubeObject[];
      startTime: string | undefined;
      suspended: boolean;
      now: number;
    },
  ): Outcome | undefined {
    const completions = spec.completions == null ? undefined : count(spec.completions);
    const done =
      completions === undefined
        ? state.succeeded > 0 && state.active.length === 0
        : state.succeeded >= completions;
    if (done) return COMPLETED;
    const backoffLimit = count(spec.backoffLimit ?? 6);
    if (state.failed > backoffLimit) return BACKOFF_LIMIT_EXCEEDED;
    if (templateRestartPolicy(spec) === 'OnFailure') {
      // Restarts in place count as failures too.
      const restarts = state.active.reduce((sum, pod) => sum + restartsOf(pod), 0);
      if (backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit) {
        return BACKOFF_LIMIT_EXCEEDED;
      }
    }
    const deadline = spec.activeDeadlineSeconds;
    if (!state.suspended && state.startTime && typeof deadline === 'number') {
      if (state.now >= Date.parse(state.startTime) + deadline * 1_000) return DEADLINE_EXCEEDED;
    }
    return undefined;
  }

  /** Creates or deletes pods until `wanted` are active; returns the active pods. */
  private scale(job: KubeObject, active: KubeObject[], wanted: number): KubeObject[] {
    const { resources, kinds } = this.context;
    if (active.length > wanted) {
      const newestFirst = [...active].sort(
        (a, b) => Number(b.metadata.resourceVersion) - Number(a.metadata.resourceVersion),
      );
      const doomed = newestFirst.slice(0, active.length - wanted);
      this.deletePods(job, doomed);
      return active.filter((pod) => !doomed.includes(pod));
    }
    const owner = controllerReference(job, kinds.job);
    const created: KubeObject[] = [];
    const batch = Math.min(wanted, active.length + MAX_CREATES_PER_SYNC);
    if (batch < wanted) this.queue.addAfter(keyOf(job), CREATE_BATCH_PAUSE_MS);
    for (let i = active.length; i < batch; i++) {
      const pod = resources.create(
        kinds.pod,
        job.metadata.namespace,
        podFromTemplate(templateOf(job), owner, { generateName: `${job.metadata.name}-` }),
      );
      created.push(pod);
      this.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
    }
    return [...active, ...created];
  }

  /** Deletes `pods`; returns none, the active pods left. */
  private deletePods(job: KubeObject, pods: KubeObject[]): KubeObject[] {
    const { resources, kinds } = this.context;
    for (const pod of pods) {
      if (!resources.find(kinds.pod, pod.metadata.namespace ?? '', pod.metadata.name)) continue;
      resources.delete(kinds.pod, pod.metadata.namespace, pod.metadata.name);
      this.record(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    }
    return [];
  }

  /** Looks again when `activeDeadlineSeconds` runs out. */
  private watchDeadline(job: KubeObject, spec: Json, startTime: string, now: number): void {
    if (typeof spec.activeDeadlineSeconds !== 'number') return;
    const due = Date.parse(startTime) + spec.activeDeadlineSeconds * 1_000;
    this.queue.addAfter(keyOf(job), Math.max(0, due - now));
  }

  /** The TTL-after-finished controller's part: deletes a finished Job once its TTL has passed. */
  private expireFinished(job: KubeObject): void {
    const spec = asObject(job.spec);
    const ttl = spec.ttlSecondsAfterFinished;
    const finished = finishedCondition(job);
    if (typeof ttl !== 'number' || !finished) return;
    const finishedAt = Date.parse(String(finished.lastTransitionTime));
    const wait = finishedAt + ttl * 1_000 - nowOf(this.context.timings);
    if (wait > 0) return this.queue.addAfter(keyOf(job), wait);
    // Foreground, as the TTL controller deletes: the pods go first.
    this.context.resources.delete(
      this.context.kinds.job,
      job.metadata.namespace,
      job.metadata.name,
      {
        propagationPolicy: 'Foreground',
      },
    );
  }

  private record(job: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string) {
    this.context.events.record(job, type, reason, message, COMPONENT);
  }
}

const SUSPENDED = { reason: 'JobSuspended', message: 'Job suspended' };
const RESUMED = { reason: 'JobResumed', message: 'Job resumed' };

/** The `Complete` or `Failed` condition that ended a Job, if one did. */
export function finishedCondition(job: KubeObject): Json | undefined {
  const status = asObject(job.status);
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.find(
    (condition): condition is Json =>
      isPlainObject(condition) &&
      (condition.type === 'Complete' || condition.type === 'Failed') &&
      condition.status === 'True',
  );
}

/**
 * `conditions` with `type` at `status`: the same array when nothing changes; a condition that
 * does not exist yet is never added as `False` (a Job that was never suspended is not resumed).
 */
function withCondition(
  conditions: Json[],
  type: string,
  status: 'True' | 'False',
  why: { reason: string; message: string },
  stamp: string,
): Json[] {
  const existing = conditions.find((condition) => condition.type === type);
  if (existing?.status === status || (!existing && status === 'False')) return conditions;
  const condition = {
    type,
    status,
    lastProbeTime: stamp,
    lastTransitionTime: stamp,
    reason: why.reason,
    message: why.message,
  };
  return existing
    ? conditions.map((other) => (other === existing ? condition : other))
    : [...conditions, condition];
}

/** How many pods should be active: for a work queue (no `completions`), none after a success. */
function wantedActive(spec: Json, succeeded: number): number {
  const parallelism = count(spec.parallelism ?? 1);
  if (spec.completions == null) return succeeded > 0 ? 0 : parallelism;
  return Math.max(0, Math.min(parallelism, count(spec.completions) - succeeded));
}

const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.floor(value)) : 0;

const templateRestartPolicy = (spec: Json): unknown => {
  const template = asObject(spec.template);
  return isPlainObject(template.spec) ? template.spec.restartPolicy : undefined;
};

function restartsOf(pod: KubeObject): number {
  const status = asObject(pod.status);
  const statuses = [
    ...(Array.isArray(status.containerStatuses) ? status.containerStatuses : []),
    ...(Array.isArray(status.initContainerStatuses) ? status.initContainerStatuses : []),
  ];
  return statuses.reduce<number>(
    (sum, container) => sum + (isPlainObject(container) ? count(container.restartCount) : 0),
    0,
  );
}
