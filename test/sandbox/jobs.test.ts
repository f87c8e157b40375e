/**
 * Jobs and CronJobs in the sandbox through client-node and kubectl: Jobs run their pods to
 * completion or to their backoff limit, suspend and expire; CronJobs start Jobs on schedule
 * under a clock the tests move, and keep only their recent history.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  ApiException,
  BatchV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Job,
  type V1JobSpec,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { SandboxTimings } from '../../server/sandbox/controllers/controllerContext.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { tempDir } from '../helpers/tempDir.js';
import { waitFor } from '../helpers/wait.js';

const KUBECTL = '/usr/bin/kubectl';
const MINUTE = 60_000;
const namespace = 'default';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

async function sandboxClients(timings: Partial<SandboxTimings> = {}) {
  const sandbox = await startTestSandbox({
    timings: { podStartMs: 10, jobPodRunMs: 20, ...timings },
  });
  const { kc } = sandbox;
  return { sandbox, batch: kc.makeApiClient(BatchV1Api), core: kc.makeApiClient(CoreV1Api) };
}

/** A Job spec whose one container runs `image` (a `crash` image fails). */
const jobSpec = (image = 'busybox:1.36', extra: Partial<V1JobSpec> = {}): V1JobSpec => ({
  template: { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image }] } },
  ...extra,
});

const jobManifest = (name: string, spec: V1JobSpec): V1Job => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace },
  spec,
});

const conditionsOf = (job: V1Job) =>
  (job.status?.conditions ?? []).map((c) => [c.type, c.status, c.reason]);

const eventReasons = async (core: CoreV1Api, name: string) =>
  (
    await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` })
  ).items.map((event) => event.reason);

async function finished(batch: BatchV1Api, name: string): Promise<V1Job> {
  return waitFor(
    async () => {
      const job = await batch.readNamespacedJob({ name, namespace });
      const done = job.status?.conditions?.some(
        (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
      );
      return done && job;
    },
    { what: `job ${name} to finish` },
  );
}

describe('sandbox jobs', () => {
  it('runs a Job of three completions two at a time to Complete', async () => {
    const { batch, core } = await sandboxClients();
    let mostActive = 0;
    await batch.createNamespacedJob({
      namespace,
      body: jobManifest('count', jobSpec('busybox:1.36', { completions: 3, parallelism: 2 })),
    });
    const job = await waitFor(
      async () => {
        const read = await batch.readNamespacedJob({ name: 'count', namespace });
        mostActive = Math.max(mostActive, read.status?.active ?? 0);
        return read.status?.conditions?.some((c) => c.type === 'Complete') && read;
      },
      { what: 'the job to complete' },
    );
    expect(job.status).toMatchObject({ succeeded: 3, ready: 0 });
    expect(job.status?.active ?? 0).toBe(0);
    expect(job.status?.failed ?? 0).toBe(0);
    expect(job.status?.startTime).toBeInstanceOf(Date);
    expect(job.status?.completionTime).toBeInstanceOf(Date);
    expect(conditionsOf(job)).toEqual([
      ['SuccessCriteriaMet', 'True', 'CompletionsReached'],
      ['Complete', 'True', 'CompletionsReached'],
    ]);
    expect(mostActive).toBeLessThanOrEqual(2);

    // The API server generated the selector and the pod template's labels.
    const uid = job.metadata!.uid!;
    expect(job.spec?.selector).toEqual({
      matchLabels: { 'batch.kubernetes.io/controller-uid': uid },
    });
    expect(job.spec?.template.metadata?.labels).toMatchObject({
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'count',
      'controller-uid': uid,
      'job-name': 'count',
    });
    const pods = (
      await core.listNamespacedPod({
        namespace,
        labelSelector: `batch.kubernetes.io/controller-uid=${uid}`,
      })
    ).items;
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.metadata?.name).toMatch(/^count-[a-z0-9]{5}$/);
      expect(pod.status?.phase).toBe('Succeeded');
      expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Job', controller: true });
    }
    const reasons = await eventReasons(core, 'count');
    expect(reasons.filter((reason) => reason === 'SuccessfulCreate')).toHaveLength(3);
    expect(reasons).toContain('Completed');
  });

  it('fails a crashing Job once failures pass its backoff limit', async () => {
    const { batch, core } = await sandboxClients();
    await batch.createNamespacedJob({
      namespace,
      body: jobManifest('doomed', jobSpec('example/crash:1', { backoffLimit: 1 })),
    });
    const job = await finished(batch, 'doomed');
    expect(conditionsOf(job)).toEqual([
      ['FailureTarget', 'True', 'BackoffLimitExceeded'],
      ['Failed', 'True', 'BackoffLimitExceeded'],
    ]);
    expect(job.status?.failed).toBe(2);
    expect(job.status?.succeeded ?? 0).toBe(0);
    expect(job.status?.completionTime).toBeUndefined();
    expect(await eventReasons(core, 'doomed')).toContain('BackoffLimitExceeded');
  });

  it('fails a Job that runs past its active deadline', async () => {
    const { batch } = await sandboxClients();
    // Crash-looping in place under OnFailure, the pod would never finish on its own.
    const spec = jobSpec('example/crash:1', { activeDeadlineSeconds: 1 });
    spec.template.spec!.restartPolicy = 'OnFailure';
    await batch.createNamespacedJob({ namespace, body: jobManifest('slow', spec) });
    const job = await finished(batch, 'slow');
    expect(conditionsOf(job).at(-1)).toEqual(['Failed', 'True', 'DeadlineExceeded']);
    expect(job.status?.active ?? 0).toBe(0);
  });

  it('creates no pods while suspended and runs once resumed', async () => {
    const { batch, core } = await sandboxClients();
    await batch.createNamespacedJob({
      namespace,
      body: jobManifest('held', jobSpec('busybox:1.36', { suspend: true })),
    });
    const suspended = await waitFor(async () => {
      const read = await batch.readNamespacedJob({ name: 'held', namespace });
      return read.status?.conditions?.some((c) => c.type === 'Suspended') && read;
    });
    expect(conditionsOf(suspended)).toEqual([['Suspended', 'True', 'JobSuspended']]);
    expect(suspended.status?.startTime).toBeUndefined();
    expect((await core.listNamespacedPod({ namespace })).items).toHaveLength(0);

    await batch.patchNamespacedJob(
      { name: 'held', namespace, body: { spec: { suspend: false } } },
      mergePatch,
    );
    const job = await finished(batch, 'held');
    expect(conditionsOf(job)).toEqual([
      ['Suspended', 'False', 'JobResumed'],
      ['SuccessCriteriaMet', 'True', 'CompletionsReached'],
      ['Complete', 'True', 'CompletionsReached'],
    ]);
    expect(await eventReasons(core, 'held')).toEqual(
      expect.arrayContaining(['Suspended', 'Resumed', 'Completed']),
    );
  });

  it('deletes a finished Job and its pods after ttlSecondsAfterFinished', async () => {
    const { batch, core } = await sandboxClients();
    await batch.createNamespacedJob({
      namespace,
      body: jobManifest('brief', jobSpec('busybox:1.36', { ttlSecondsAfterFinished: 0 })),
    });
    await waitFor(
      async () =>
        (await batch.listNamespacedJob({ namespace })).items.length === 0 &&
        (await core.listNamespacedPod({ namespace })).items.length === 0,
      { what: 'the job and its pod to go' },
    );
  });

  it('refuses a Job whose pods would restart forever', async () => {
    const { batch } = await sandboxClients();
    const spec = jobSpec();
    delete spec.template.spec!.restartPolicy;
    const error = await batch
      .createNamespacedJob({ namespace, body: jobManifest('forever', spec) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiException);
    expect((error as ApiException<unknown>).code).toBe(422);
    expect(String((error as ApiException<unknown>).body)).toContain(
      'spec.template.spec.restartPolicy: Unsupported value: \\"Always\\"',
    );
  });

  it.skipIf(!existsSync(KUBECTL))('kubectl wait --for=condition=complete returns', async () => {
    const { sandbox, batch } = await sandboxClients();
    await batch.createNamespacedJob({ namespace, body: jobManifest('awaited', jobSpec()) });
    const { stdout } = await promisify(execFile)(KUBECTL, [
      '--kubeconfig',
      sandbox.kubeconfigPath,
      '--cache-dir',
      await tempDir('weft-kubectl-'),
      'wait',
      '--for=condition=complete',
      '--timeout=10s',
      'job/awaited',
    ]);
    expect(stdout.trim()).toBe('job.batch/awaited condition met');
  });
});

describe('sandbox cron jobs', () => {
  /**
   * A sandbox whose clock the test moves: it starts `leadMs` before the next minute, so that
   * `* * * * *` fires almost at once. Timers run on real time, so after `advance` a change to
   * the CronJob (`nudge`) is what makes the controller look at the clock again.
   */
  async function cronSandbox(leadMs = 1_000) {
    let shift = 0;
    const clients = await sandboxClients({ now: () => Date.now() + shift });
    // Set once the sandbox is up (slow on a busy machine): the next minute is `leadMs` away.
    shift = MINUTE - (Date.now() % MINUTE) - leadMs;
    const nudge = (name: string) =>
      clients.batch.patchNamespacedCronJob(
        {
          name,
          namespace,
          body: { metadata: { annotations: { nudged: String(Math.random()) } } },
        },
        mergePatch,
      );
    return { ...clients, advance: (ms: number) => (shift += ms), nudge };
  }

  const cronJobManifest = (name: string, spec: Record<string, unknown> = {}) => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace },
    spec: {
      schedule: '* * * * *',
      jobTemplate: { metadata: { labels: { run: name } }, spec: jobSpec() },
      ...spec,
    },
  });

  const jobNames = async (batch: BatchV1Api) =>
    (await batch.listNamespacedJob({ namespace })).items.map((job) => job.metadata!.name!).sort();

  it('starts a Job at the scheduled minute and keeps only the history asked for', async () => {
    const { batch, core, advance, nudge } = await cronSandbox();
    const created = await batch.createNamespacedCronJob({
      namespace,
      body: cronJobManifest('tick', { successfulJobsHistoryLimit: 1 }),
    });
    expect(created.spec).toMatchObject({
      concurrencyPolicy: 'Allow',
      suspend: false,
      failedJobsHistoryLimit: 1,
    });

    const [first] = await waitFor(async () => {
      const names = await jobNames(batch);
      return names.length === 1 && names;
    });
    expect(first).toMatch(/^tick-\d+$/);
    const minute = Number(first!.slice('tick-'.length));
    const job = await finished(batch, first!);
    expect(conditionsOf(job).at(-1)).toEqual(['Complete', 'True', 'CompletionsReached']);
    expect(job.metadata?.labels).toMatchObject({ run: 'tick' });
    expect(job.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe(
      new Date(minute * MINUTE).toISOString().replace('.000Z', 'Z'),
    );
    expect(job.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'tick' });
    const status = await waitFor(async () => {
      const read = await batch.readNamespacedCronJob({ name: 'tick', namespace });
      return read.status?.lastSuccessfulTime && !read.status.active?.length && read.status;
    });
    expect(status.lastScheduleTime?.getTime()).toBe(minute * MINUTE);
    expect(await eventReasons(core, 'tick')).toEqual(
      expect.arrayContaining(['SuccessfulCreate', 'SawCompletedJob']),
    );

    // A minute later the next run starts; once it succeeds the first one is pruned.
    advance(MINUTE);
    await nudge('tick');
    const second = `tick-${minute + 1}`;
    await finished(batch, second);
    await waitFor(async () => (await jobNames(batch)).join() === second, {
      what: 'the older job to be pruned',
    });
  });

  it('after missed runs starts only the latest, and none past the starting deadline', async () => {
    const { batch, advance, nudge } = await cronSandbox();
    await batch.createNamespacedCronJob({
      namespace,
      body: cronJobManifest('late', { startingDeadlineSeconds: 20 }),
    });
    const [first] = await waitFor(async () => {
      const names = await jobNames(batch);
      return names.length === 1 && names;
    });
    const minute = Number(first!.slice('late-'.length));
    // Five runs missed: the latest starts, the four before it do not.
    advance(5 * MINUTE);
    await nudge('late');
    await waitFor(async () => (await jobNames(batch)).length === 2);
    expect(await jobNames(batch)).toEqual([first, `late-${minute + 5}`]);
    // Half a minute past the next run, beyond its 20 s deadline: it is skipped.
    advance(MINUTE + 30_000);
    await nudge('late');
    advance(30_000);
    await nudge('late');
    await waitFor(async () => (await jobNames(batch)).length === 3);
    expect(await jobNames(batch)).toEqual([first, `late-${minute + 5}`, `late-${minute + 7}`]);
  });

  it('with concurrencyPolicy Replace deletes the running Job for the new run', async () => {
    const { batch, advance, nudge } = await cronSandbox();
    const spec = jobSpec('example/crash:1');
    spec.template.spec!.restartPolicy = 'OnFailure';
    await batch.createNamespacedCronJob({
      namespace,
      body: cronJobManifest('fresh', { concurrencyPolicy: 'Replace', jobTemplate: { spec } }),
    });
    const [first] = await waitFor(async () => {
      const names = await jobNames(batch);
      return names.length === 1 && names;
    });
    advance(MINUTE);
    await nudge('fresh');
    const [second] = await waitFor(async () => {
      const names = await jobNames(batch);
      return names.length === 1 && names[0] !== first && names;
    });
    const status = await waitFor(async () => {
      const read = await batch.readNamespacedCronJob({ name: 'fresh', namespace });
      return read.status?.active?.[0]?.name === second && read.status;
    });
    expect(status.active).toHaveLength(1);
  });

  it('with concurrencyPolicy Forbid does not start a run while one is active', async () => {
    const { batch, core, advance, nudge } = await cronSandbox();
    // A pod crash-looping in place keeps its Job running.
    const spec = jobSpec('example/crash:1');
    spec.template.spec!.restartPolicy = 'OnFailure';
    await batch.createNamespacedCronJob({
      namespace,
      body: cronJobManifest('single', {
        concurrencyPolicy: 'Forbid',
        jobTemplate: { spec },
      }),
    });
    // Generous: on two busy cores (browser tests run alongside) the first run can take seconds.
    await waitFor(async () => (await jobNames(batch)).length === 1, {
      what: 'the first run',
      timeoutMs: 20_000,
    });
    advance(MINUTE);
    await nudge('single');
    await waitFor(async () => (await eventReasons(core, 'single')).includes('JobAlreadyActive'), {
      what: 'the run to be held back',
      timeoutMs: 20_000,
    });
    expect(await jobNames(batch)).toHaveLength(1);
    const status = (await batch.readNamespacedCronJob({ name: 'single', namespace })).status;
    expect(status?.active).toHaveLength(1);
    expect(status?.active?.[0]).toMatchObject({ kind: 'Job', name: (await jobNames(batch))[0] });
  });

  it('refuses an invalid schedule or time zone with 422', async () => {
    const { batch } = await sandboxClients();
    for (const [spec, message] of [
      [{ schedule: '61 * * * *' }, 'spec.schedule: Invalid value: \\"61 * * * *\\"'],
      [{ schedule: '@fortnightly' }, 'unrecognized descriptor'],
      [{ schedule: 'TZ=UTC * * * * *' }, 'use timeZone field instead'],
      [{ timeZone: 'Mars/Olympus_Mons' }, 'unknown time zone'],
    ] as const) {
      const error = await batch
        .createNamespacedCronJob({ namespace, body: cronJobManifest('bad', spec) })
        .catch((caught: unknown) => caught);
      expect(error, message).toBeInstanceOf(ApiException);
      expect((error as ApiException<unknown>).code).toBe(422);
      expect(String((error as ApiException<unknown>).body)).toContain(message);
    }
  });
});
