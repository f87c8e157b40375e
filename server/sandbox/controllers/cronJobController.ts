/**
 * Starts a CronJob's Jobs on its schedule, as kube-controller-manager's cronjob controller does:
 * at each scheduled time a Job `<cronjob>-<minutes since the epoch>` from `spec.jobTemplate`
 * (the name doubles as a lock against starting one run twice), subject to `suspend`,
 * `concurrencyPolicy` and `startingDeadlineSeconds`; keeps `status.active`,
 * `lastScheduleTime` and `lastSuccessfulTime`, and deletes finished Jobs past the history limits.
 *
 * Runs missed while the sandbox was stopped (or the clock jumped) are not made up one by one:
 * only the latest is started, and only if it is still within `startingDeadlineSeconds`.
 */
import { isDeepStrictEqual } from 'node:util';
import { ApiError } from '../apiStatus.js';
import {
  asObject,
  asObjectList,
  isPlainObject,
  timestamp,
  type KubeObject,
} from '../kubeObject.js';
import {
  controllerReference,
  isControlledBy,
  nowOf,
  splitKey,
  type ControllerContext,
} from './controllerContext.js';
import { CronSchedule, CronSyntaxError, formatInZone } from './cronSchedule.js';
import { finishedCondition } from './jobController.js';
import { OwnerController } from './ownerController.js';

const COMPONENT = 'cronjob-controller';
const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** Wake a little after the scheduled time, so that it has surely come. */
const WAKE_MARGIN_MS = 100;
/** Timers longer than this are renewed instead (setTimeout cannot wait past ~24.8 days). */
const MAX_TIMER_MS = 24 * 60 * 60_000;

type Json = Record<string, unknown>;

export class CronJobController extends OwnerController {
  constructor(context: ControllerContext) {
    super(context, 'cronjob', context.kinds.cronJob, context.kinds.job);
  }

  protected sync(key: string): void {
    const { resources, kinds } = this.context;
    const [namespace, name] = splitKey(key);
    const cronJob = resources.find(kinds.cronJob, namespace, name);
    if (!cronJob || cronJob.metadata.deletionTimestamp) return;
    const spec = asObject(cronJob.spec);
    const status = asObject(cronJob.status);
    const jobs = this.context.owners.controlledBy(cronJob, kinds.job);

    let active = this.activeJobs(cronJob, jobs);
    let lastScheduleTime = stringOr(status.lastScheduleTime);
    const schedule = spec.suspend === true ? undefined : this.scheduleOf(cronJob);
    if (schedule) {
      const now = nowOf(this.context.timings);
      const run = this.runDue(cronJob, schedule, now);
      if (run !== undefined && !alreadyStarted(cronJob, run, active, lastScheduleTime)) {
        const started = this.startRun(cronJob, run, active);
        if (started) {
          active = started;
          lastScheduleTime = timestamp(new Date(run));
        }
      }
      const nextRun = schedule.next(now);
      if (nextRun !== undefined) {
        this.queue.addAfter(key, Math.min(nextRun - now + WAKE_MARGIN_MS, MAX_TIMER_MS));
      }
    }

    const lastSuccessfulTime = latestSuccess(jobs, stringOr(status.lastSuccessfulTime));
    const next: Json = {
      ...(active.length > 0 ? { active } : {}),
      ...(lastScheduleTime ? { lastScheduleTime } : {}),
      ...(lastSuccessfulTime ? { lastSuccessfulTime } : {}),
    };
    if (!isDeepStrictEqual(status, next)) {
      resources.update(
        kinds.cronJob,
        namespace,
        name,
        { ...cronJob, status: next },
        { subresource: 'status' },
      );
    }
    this.pruneHistory(cronJob, jobs);
  }

  /**
   * `status.active` brought up to date: finished and vanished Jobs leave it. A running Job it
   * does not list is reported, not adopted, as Kubernetes does (`kubectl create job --from`).
   */
  private activeJobs(cronJob: KubeObject, jobs: KubeObject[]): Json[] {
    const status = asObject(cronJob.status);
    const listed = asObjectList(status.active);
    const active: Json[] = [];
    for (const reference of listed) {
      const job = jobs.find((candidate) => candidate.metadata.uid === reference.uid);
      const finished = job && finishedCondition(job);
      if (!job) {
        this.record(cronJob, 'Normal', 'MissingJob', `Active job went missing: ${reference.name}`);
      } else if (finished) {
        this.record(
          cronJob,
          'Normal',
          'SawCompletedJob',
          `Saw completed job: ${job.metadata.name}, condition: ${finished.type}`,
        );
      } else {
        active.push(reference);
      }
    }
    for (const job of jobs) {
      const known = listed.some((reference) => reference.uid === job.metadata.uid);
      if (!known && !finishedCondition(job)) {
        this.record(
          cronJob,
          'Warning',
          'UnexpectedJob',
          `Saw a job that the controller did not create or forgot: ${job.metadata.name}`,
        );
      }
    }
    return active;
  }

  /** The schedule in force, or `undefined` (with a warning) for one stored before validation. */
  private scheduleOf(cronJob: KubeObject): CronSchedule | undefined {
    const spec = asObject(cronJob.spec);
    const zone = typeof spec.timeZone === 'string' ? spec.timeZone : undefined;
    try {
      return CronSchedule.parse(String(spec.schedule ?? ''), zone);
    } catch (error) {
      if (!(error instanceof CronSyntaxError)) throw error;
      const message = `unparseable schedule: ${JSON.stringify(spec.schedule)} : ${error.message}`;
      this.record(cronJob, 'Warning', 'UnparseableSchedule', message);
      return undefined;
    }
  }

  /**
   * The latest scheduled time not yet run: after the last run (or the CronJob's creation), no
   * earlier than `startingDeadlineSeconds` ago, and not after now.
   */
  private runDue(cronJob: KubeObject, schedule: CronSchedule, now: number): number | undefined {
    const spec = asObject(cronJob.spec);
    const status = asObject(cronJob.status);
    const since = stringOr(status.lastScheduleTime) ?? cronJob.metadata.creationTimestamp;
    let earliest = Date.parse(String(since));
    if (typeof spec.startingDeadlineSeconds === 'number') {
      earliest = Math.max(earliest, now - spec.startingDeadlineSeconds * 1_000);
    }
    return Number.isNaN(earliest) ? undefined : schedule.latest(earliest, now);
  }

  /**
   * Starts the run at `time` under the concurrency policy; returns the new active list, or
   * `undefined` when `Forbid` holds it back (it is retried when the running Job finishes).
   */
  private startRun(cronJob: KubeObject, time: number, active: Json[]): Json[] | undefined {
    const { resources, kinds } = this.context;
    const spec = asObject(cronJob.spec);
    const namespace = cronJob.metadata.namespace;
    if (spec.concurrencyPolicy === 'Forbid' && active.length > 0) {
      this.record(
        cronJob,
        'Normal',
        'JobAlreadyActive',
        'Not starting job because prior execution is running and concurrency policy is Forbid',
      );
      return undefined;
    }
    let remaining = active;
    if (spec.concurrencyPolicy === 'Replace') {
      for (const reference of active) {
        const jobName = String(reference.name);
        if (resources.find(kinds.job, namespace ?? '', jobName)) {
          resources.delete(kinds.job, namespace, jobName, { propagationPolicy: 'Background' });
          this.record(cronJob, 'Normal', 'SuccessfulDelete', `Deleted job ${jobName}`);
        }
      }
      remaining = [];
    }
    let job: KubeObject;
    try {
      job = resources.create(kinds.job, namespace, this.jobFor(cronJob, time));
      this.record(cronJob, 'Normal', 'SuccessfulCreate', `Created job ${job.metadata.name}`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const existing = resources.find(kinds.job, namespace ?? '', jobNameOf(cronJob, time));
      if (error.code !== 409 || !existing) {
        this.record(cronJob, 'Warning', 'FailedCreate', `Error creating job: ${error.message}`);
        throw error;
      }
      // Created before a restart cut the status write short: take it back, else leave it be.
      if (!isControlledBy(existing, cronJob)) return undefined;
      job = existing;
    }
    const listed = remaining.some((reference) => reference.uid === job.metadata.uid);
    return listed ? remaining : [...remaining, referenceTo(job)];
  }

  /** The Job of the run at `time`: the template's metadata and spec, owned by the CronJob. */
  private jobFor(cronJob: KubeObject, time: number): KubeObject {
    const spec = asObject(cronJob.spec);
    const template = asObject(spec.jobTemplate);
    const metadata = asObject(template.metadata);
    const zone = typeof spec.timeZone === 'string' ? spec.timeZone : undefined;
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: jobNameOf(cronJob, time),
        namespace: cronJob.metadata.namespace,
        labels: { ...(metadata.labels as Record<string, string> | undefined) },
        annotations: {
          ...(metadata.annotations as Record<string, string> | undefined),
          [SCHEDULED_TIMESTAMP]: formatInZone(time, zone),
        },
        ownerReferences: [controllerReference(cronJob, this.context.kinds.cronJob)],
      },
      spec: structuredClone(asObject(template.spec)),
    };
  }

  /** Deletes the oldest finished Jobs past `successfulJobsHistoryLimit`/`failedJobsHistoryLimit`. */
  private pruneHistory(cronJob: KubeObject, jobs: KubeObject[]): void {
    const { resources, kinds } = this.context;
    const spec = asObject(cronJob.spec);
    const limits: [string, unknown][] = [
      ['Complete', spec.successfulJobsHistoryLimit],
      ['Failed', spec.failedJobsHistoryLimit],
    ];
    for (const [type, limit] of limits) {
      if (typeof limit !== 'number') continue;
      const finished = jobs
        .filter((job) => !job.metadata.deletionTimestamp && finishedCondition(job)?.type === type)
        .sort(byStartTime);
      for (const job of finished.slice(0, Math.max(0, finished.length - limit))) {
        resources.delete(kinds.job, job.metadata.namespace, job.metadata.name, {
          propagationPolicy: 'Background',
        });
        this.record(cronJob, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
      }
    }
  }

  private record(cronJob: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string) {
    this.context.events.record(cronJob, type, reason, message, COMPONENT);
  }
}

/** `<cronjob>-<scheduled time in minutes since the epoch>`, as Kubernetes names them. */
const jobNameOf = (cronJob: KubeObject, time: number): string =>
  `${cronJob.metadata.name}-${Math.floor(time / 60_000)}`;

/** Whether the run at `time` was already started: its Job is active or it was the last run. */
function alreadyStarted(
  cronJob: KubeObject,
  time: number,
  active: Json[],
  lastScheduleTime: string | undefined,
): boolean {
  const jobName = jobNameOf(cronJob, time);
  return (
    active.some((reference) => reference.name === jobName) ||
    (lastScheduleTime !== undefined && Date.parse(lastScheduleTime) === time)
  );
}

const referenceTo = (job: KubeObject): Json => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  name: job.metadata.name,
  namespace: job.metadata.namespace,
  uid: job.metadata.uid,
  resourceVersion: job.metadata.resourceVersion,
});

const stringOr = (value: unknown): string | undefined =>
  typeof value === 'string' && value ? value : undefined;

const statusField = (job: KubeObject, field: string): string | undefined =>
  stringOr(isPlainObject(job.status) ? job.status[field] : undefined);

/** The latest `completionTime` of a Job that completed, never going back from `previous`. */
function latestSuccess(jobs: KubeObject[], previous: string | undefined): string | undefined {
  let latest = previous;
  for (const job of jobs) {
    const completed = statusField(job, 'completionTime');
    if (finishedCondition(job)?.type !== 'Complete' || !completed) continue;
    if (!latest || Date.parse(completed) > Date.parse(latest)) latest = completed;
  }
  return latest;
}

/** Oldest first; Jobs that never started last, then by name, as Kubernetes orders them. */
function byStartTime(a: KubeObject, b: KubeObject): number {
  const startOf = (job: KubeObject) =>
    Date.parse(statusField(job, 'startTime') ?? '') || Number.MAX_SAFE_INTEGER;
  return startOf(a) - startOf(b) || a.metadata.name.localeCompare(b.metadata.name);
}
