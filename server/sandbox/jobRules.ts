/**
 * The API server's defaults and checks for Jobs and CronJobs: the generated selector, restart
 * policies a Job may use, and schedules that must parse.
 */
import { isDeepStrictEqual } from 'node:util';
import { invalidValue, requiredValue, type StatusCause } from './apiStatus.js';
import { CronSchedule, CronSyntaxError, timeZoneProblem } from './controllers/cronSchedule.js';
import type { KindRule } from './kindRules.js';
import { asObject, isPlainObject, type KubeObject } from './kubeObject.js';
import {
  containerProblems,
  selectorProblems,
  templateDefaults,
  type Spec,
} from './podSpecRules.js';

/**
 * The labels kube-apiserver gives a new Job's pod template (unless `spec.manualSelector`), and
 * the selector on the first of them: its pods are told apart from every other Job's by uid,
 * and people can still find them by name. The uid is assigned before defaults run.
 */
const JOB_UID_LABEL = 'batch.kubernetes.io/controller-uid';
const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

const generatedJobSelector = (object: KubeObject) => ({
  matchLabels: { [JOB_UID_LABEL]: String(object.metadata.uid) },
});

/** Labels and selector fill only what is missing, so a mismatch sent by a client is rejected. */
function withGeneratedSelector(spec: Spec, object: KubeObject): Spec {
  const uid = String(object.metadata.uid);
  const name = object.metadata.name;
  const template = asObject(spec.template);
  const metadata = asObject(template.metadata);
  const selector = asObject(spec.selector);
  return {
    ...spec,
    selector: {
      ...selector,
      matchLabels: { [JOB_UID_LABEL]: uid, ...(selector.matchLabels as object | undefined) },
    },
    template: {
      ...template,
      metadata: {
        ...metadata,
        labels: {
          [JOB_UID_LABEL]: uid,
          [JOB_NAME_LABEL]: name,
          'controller-uid': uid,
          'job-name': name,
          ...(metadata.labels as object | undefined),
        },
      },
    },
  };
}

/** Kubernetes' Job defaults; `completions` stays unset for a work queue (`parallelism` only). */
function jobDefaults(spec: Spec, object: KubeObject): Spec {
  const workQueue = spec.completions == null && spec.parallelism != null;
  const defaulted = templateDefaults({
    backoffLimit: 6,
    completionMode: 'NonIndexed',
    ...(workQueue ? {} : { completions: 1 }),
    parallelism: 1,
    podReplacementPolicy: 'TerminatingOrFailed',
    suspend: false,
    ...spec,
  });
  return spec.manualSelector === true || !object.metadata.uid
    ? defaulted
    : withGeneratedSelector(defaulted, object);
}

/** Counts and durations that must not be negative, where set. */
const negativeProblems = (spec: Spec, keys: string[], at: string): StatusCause[] =>
  keys.flatMap((key) => {
    const value = spec[key];
    if (value === undefined || value === null) return [];
    return typeof value === 'number' && Number.isInteger(value) && value >= 0
      ? []
      : [invalidValue(`${at}.${key}`, value, 'must be greater than or equal to 0')];
  });

/** A Job's pods run to completion: `Always` would never let one finish. */
function restartPolicyProblems(podSpec: unknown, at: string): StatusCause[] {
  const policy = isPlainObject(podSpec) ? podSpec.restartPolicy : undefined;
  if (policy === 'Never' || policy === 'OnFailure') return [];
  return [
    {
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(policy)}: supported values: "OnFailure", "Never"`,
      field: `${at}.restartPolicy`,
    },
  ];
}

/** What a Job spec, or a CronJob's job template spec, at `at` must satisfy. */
function jobSpecProblems(spec: Spec, at: string): StatusCause[] {
  const template = asObject(spec.template);
  return [
    ...negativeProblems(
      spec,
      [
        'parallelism',
        'completions',
        'backoffLimit',
        'activeDeadlineSeconds',
        'ttlSecondsAfterFinished',
      ],
      at,
    ),
    ...containerProblems(template.spec, `${at}.template.spec`),
    ...restartPolicyProblems(template.spec, `${at}.template.spec`),
  ];
}

function jobProblems(spec: Spec, object: KubeObject): StatusCause[] {
  const generated =
    spec.manualSelector === true || isDeepStrictEqual(spec.selector, generatedJobSelector(object));
  return [
    ...(generated
      ? []
      : [invalidValue('spec.selector', spec.selector, '`selector` not auto-generated')]),
    ...selectorProblems(spec).filter((cause) => !cause.field?.startsWith('spec.template.spec')),
    ...jobSpecProblems(spec, 'spec'),
  ];
}

/** Job names add 11 characters (`-` and minutes since the epoch) to their CronJob's. */
const MAX_CRON_JOB_NAME = 52;

function cronJobProblems(spec: Spec, object: KubeObject): StatusCause[] {
  const problems: StatusCause[] = [];
  const { name } = object.metadata;
  if (name.length > MAX_CRON_JOB_NAME) {
    problems.push(
      invalidValue('metadata.name', name, `must be no more than ${MAX_CRON_JOB_NAME} characters`),
    );
  }
  const zone = spec.timeZone;
  const zoneProblem =
    zone == null
      ? undefined
      : typeof zone === 'string'
        ? timeZoneProblem(zone)
        : 'must be a string';
  if (zoneProblem) problems.push(invalidValue('spec.timeZone', zone, zoneProblem));
  if (typeof spec.schedule !== 'string' || !spec.schedule) {
    problems.push(requiredValue('spec.schedule'));
  } else if (spec.schedule.includes('TZ')) {
    problems.push(
      invalidValue(
        'spec.schedule',
        spec.schedule,
        'cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
      ),
    );
  } else {
    try {
      CronSchedule.parse(spec.schedule);
    } catch (error) {
      if (!(error instanceof CronSyntaxError)) throw error;
      problems.push(invalidValue('spec.schedule', spec.schedule, error.message));
    }
  }
  if (!['Allow', 'Forbid', 'Replace'].includes(String(spec.concurrencyPolicy))) {
    problems.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(spec.concurrencyPolicy)}: supported values: "Allow", "Forbid", "Replace"`,
      field: 'spec.concurrencyPolicy',
    });
  }
  problems.push(
    ...negativeProblems(
      spec,
      ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'],
      'spec',
    ),
  );
  const jobTemplate = asObject(spec.jobTemplate);
  const jobSpec = asObject(jobTemplate.spec);
  return [...problems, ...jobSpecProblems(jobSpec, 'spec.jobTemplate.spec')];
}

/** CronJob defaults; like kube-apiserver, only the pod template of its job template is defaulted. */
function cronJobDefaults(spec: Spec): Spec {
  const jobTemplate = isPlainObject(spec.jobTemplate) ? spec.jobTemplate : undefined;
  return {
    concurrencyPolicy: 'Allow',
    failedJobsHistoryLimit: 1,
    successfulJobsHistoryLimit: 3,
    suspend: false,
    ...spec,
    ...(jobTemplate
      ? {
          jobTemplate: {
            ...jobTemplate,
            spec: templateDefaults(asObject(jobTemplate.spec)),
          },
        }
      : {}),
  };
}

export const JOB_RULE: KindRule = {
  defaults: jobDefaults,
  initialStatus: {},
  validate: jobProblems,
};

export const CRON_JOB_RULE: KindRule = {
  defaults: cronJobDefaults,
  initialStatus: {},
  validate: cronJobProblems,
};
