/**
 * The columns of the workload controllers: how many replicas are ready against how many are
 * wanted, and for Jobs and CronJobs how far they have got. Each has the wide CONTAINERS and
 * IMAGES of its pod template, and most the SELECTOR of its pods.
 */
import type { KubeObject } from '../kubeObject.js';
import { humanDuration, since } from './humanDuration.js';
import {
  ageOf,
  at,
  containerCells,
  count,
  labelsText,
  objects,
  selectorCell,
  selectorText,
  templateSpec,
  text,
} from './cells.js';
import {
  ageColumn,
  column,
  doc,
  nameColumn,
  printer,
  templateColumns,
  wideColumn,
  type Printer,
} from './printer.js';

const READY_DESCRIPTION = 'Number of the pod with ready state';

/** `ready/wanted`, as Deployments and StatefulSets show READY. */
const readyOfWanted = (object: KubeObject): string =>
  `${count(at(object.status, 'readyReplicas'))}/${count(at(object.spec, 'replicas'))}`;

/** `kubectl get deployments`: READY, UP-TO-DATE, AVAILABLE; wide CONTAINERS, IMAGES, SELECTOR. */
export const deploymentPrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Ready', 'string', READY_DESCRIPTION),
    column('Up-to-date', 'string', doc('apps.v1.DeploymentStatus', 'updatedReplicas')),
    column('Available', 'string', doc('apps.v1.DeploymentStatus', 'availableReplicas')),
    ageColumn(),
    ...templateColumns(),
    wideColumn('Selector', 'string', doc('apps.v1.DeploymentSpec', 'selector')),
  ],
  (deployment, now) => [
    deployment.metadata.name,
    readyOfWanted(deployment),
    count(at(deployment.status, 'updatedReplicas')),
    count(at(deployment.status, 'availableReplicas')),
    ageOf(deployment, now),
    ...containerCells(templateSpec(deployment)),
    // Deployments print an empty selector as nothing, unlike the other kinds' `<none>`.
    selectorText(at(deployment.spec, 'selector')),
  ],
);

/** `kubectl get replicasets`: DESIRED, CURRENT, READY. */
export const replicaSetPrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Desired', 'integer', doc('apps.v1.ReplicaSetSpec', 'replicas')),
    column('Current', 'integer', doc('apps.v1.ReplicaSetStatus', 'replicas')),
    column('Ready', 'integer', doc('apps.v1.ReplicaSetStatus', 'readyReplicas')),
    ageColumn(),
    ...templateColumns(),
    wideColumn('Selector', 'string', doc('apps.v1.ReplicaSetSpec', 'selector')),
  ],
  (replicaSet, now) => [
    replicaSet.metadata.name,
    count(at(replicaSet.spec, 'replicas')),
    count(at(replicaSet.status, 'replicas')),
    count(at(replicaSet.status, 'readyReplicas')),
    ageOf(replicaSet, now),
    ...containerCells(templateSpec(replicaSet)),
    selectorCell(at(replicaSet.spec, 'selector')),
  ],
);

/** `kubectl get statefulsets`: READY. */
export const statefulSetPrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Ready', 'string', READY_DESCRIPTION),
    ageColumn(),
    ...templateColumns(),
  ],
  (statefulSet, now) => [
    statefulSet.metadata.name,
    readyOfWanted(statefulSet),
    ageOf(statefulSet, now),
    ...containerCells(templateSpec(statefulSet)),
  ],
);

const DAEMON_SET_COUNTS = [
  ['Desired', 'desiredNumberScheduled'],
  ['Current', 'currentNumberScheduled'],
  ['Ready', 'numberReady'],
  ['Up-to-date', 'updatedNumberScheduled'],
  ['Available', 'numberAvailable'],
] as const;

/** `kubectl get daemonsets`: DESIRED, CURRENT, READY, UP-TO-DATE, AVAILABLE, NODE SELECTOR. */
export const daemonSetPrinter: Printer = printer(
  () => [
    nameColumn(),
    ...DAEMON_SET_COUNTS.map(([name, field]) =>
      column(name, 'integer', doc('apps.v1.DaemonSetStatus', field)),
    ),
    column('Node Selector', 'string', doc('core.v1.PodSpec', 'nodeSelector')),
    ageColumn(),
    ...templateColumns(),
    wideColumn('Selector', 'string', doc('apps.v1.DaemonSetSpec', 'selector')),
  ],
  (daemonSet, now) => [
    daemonSet.metadata.name,
    ...DAEMON_SET_COUNTS.map(([, field]) => count(at(daemonSet.status, field))),
    labelsText(at(templateSpec(daemonSet), 'nodeSelector')),
    ageOf(daemonSet, now),
    ...containerCells(templateSpec(daemonSet)),
    selectorCell(at(daemonSet.spec, 'selector')),
  ],
);

/** Whether a Job has a condition of `type` whose status is True. */
const hasJobCondition = (job: KubeObject, type: string): boolean =>
  objects(at(job.status, 'conditions')).find((condition) => condition.type === type)?.status ===
  'True';

function jobStatus(job: KubeObject): string {
  if (hasJobCondition(job, 'Complete')) return 'Complete';
  if (hasJobCondition(job, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (hasJobCondition(job, 'Suspended')) return 'Suspended';
  if (hasJobCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** `2/3` succeeded of the completions wanted; `0/1 of 4` for a parallel Job without a count. */
function completions(job: KubeObject): string {
  const succeeded = count(at(job.status, 'succeeded'));
  const wanted = at(job.spec, 'completions');
  if (typeof wanted === 'number') return `${succeeded}/${wanted}`;
  const parallelism = count(at(job.spec, 'parallelism'));
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** How long the Job ran, or has been running; empty before it starts. */
function jobDuration(job: KubeObject, now: number): string {
  const started = text(at(job.status, 'startTime'));
  const completed = text(at(job.status, 'completionTime'));
  if (!started) return '';
  if (!completed) return since(started, now);
  return humanDuration(Date.parse(completed) - Date.parse(started));
}

/** `kubectl get jobs`: STATUS, COMPLETIONS, DURATION. */
export const jobPrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', doc('batch.v1.JobStatus', 'succeeded')),
    column('Duration', 'string', 'Time required to complete the job.'),
    ageColumn(),
    ...templateColumns(),
    wideColumn('Selector', 'string', doc('batch.v1.JobSpec', 'selector')),
  ],
  (job, now) => [
    job.metadata.name,
    jobStatus(job),
    completions(job),
    jobDuration(job, now),
    ageOf(job, now),
    ...containerCells(templateSpec(job)),
    selectorCell(at(job.spec, 'selector')),
  ],
);

/** `True`, `False`, or `<unset>` for a flag left out. */
const flagText = (value: unknown): string =>
  typeof value === 'boolean' ? (value ? 'True' : 'False') : '<unset>';

/** `kubectl get cronjobs`: SCHEDULE, TIMEZONE, SUSPEND, ACTIVE, LAST SCHEDULE. */
export const cronJobPrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Schedule', 'string', doc('batch.v1.CronJobSpec', 'schedule')),
    column('Timezone', 'string', doc('batch.v1.CronJobSpec', 'timeZone')),
    column('Suspend', 'boolean', doc('batch.v1.CronJobSpec', 'suspend')),
    column('Active', 'integer', doc('batch.v1.CronJobStatus', 'active')),
    column('Last Schedule', 'string', doc('batch.v1.CronJobStatus', 'lastScheduleTime')),
    ageColumn(),
    ...templateColumns(),
    wideColumn('Selector', 'string', doc('batch.v1.JobSpec', 'selector')),
  ],
  (cronJob, now) => {
    const lastSchedule = text(at(cronJob.status, 'lastScheduleTime'));
    const jobSpec = at(cronJob.spec, 'jobTemplate', 'spec');
    return [
      cronJob.metadata.name,
      text(at(cronJob.spec, 'schedule')),
      text(at(cronJob.spec, 'timeZone')) || '<none>',
      flagText(at(cronJob.spec, 'suspend')),
      objects(at(cronJob.status, 'active')).length,
      lastSchedule ? since(lastSchedule, now) : '<none>',
      ageOf(cronJob, now),
      ...containerCells(at(jobSpec, 'template', 'spec')),
      selectorCell(at(jobSpec, 'selector')),
    ];
  },
);
