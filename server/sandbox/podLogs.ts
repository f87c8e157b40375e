/**
 * `pods/<name>/log`: plausible output of a simulated container, so that `kubectl logs` and the
 * hub's log view have something real-looking to show. A running container writes a start-up
 * banner and then one line every `logIntervalMs` (request logs for web server images, an
 * application's chatter otherwise); a crashing one ends each run with a fatal error. The lines
 * are a pure function of the pod and the time, so a later read repeats the earlier lines.
 */
import { createHash } from 'node:crypto';
import { badRequest } from './apiStatus.js';
import { asObject, asObjectList, isPlainObject, type KubeObject } from './kubeObject.js';

type Json = Record<string, unknown>;

export interface LogOptions {
  container?: string;
  tailLines?: number;
  timestamps?: boolean;
  sinceSeconds?: number;
}

/** The container a log request is about, or a 400 worded as kubelet words it. */
export function logContainer(pod: KubeObject, requested: string | undefined): string {
  const spec = asObject(pod.spec);
  const names = asObjectList(spec.containers).map((container) => String(container.name));
  const name = pod.metadata.name;
  if (requested === undefined && names.length !== 1) {
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`,
    );
  }
  const container = requested ?? names[0]!;
  if (!names.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  }
  const state = containerState(pod, container);
  const waiting = state && isPlainObject(state.waiting) ? state.waiting : undefined;
  // A crash-looping container still has the logs of its last run; others have none yet.
  if (!state || (waiting && waiting.reason !== 'CrashLoopBackOff')) {
    const reason = String(waiting?.reason ?? 'ContainerCreating');
    const why = reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : reason;
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${why}`);
  }
  return container;
}

/** The lines the container has written up to `now`. */
export function logLines(
  pod: KubeObject,
  container: string,
  now: number,
  intervalMs: number,
  options: LogOptions = {},
): string[] {
  const started = Date.parse(String((pod.status as Json | undefined)?.startTime ?? '')) || now;
  const count = Math.max(0, Math.floor((now - started) / intervalMs)) + 1;
  const since = options.sinceSeconds !== undefined ? now - options.sinceSeconds * 1000 : -Infinity;
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    const at = started + index * intervalMs;
    if (at >= since) lines.push(formatLine(pod, container, index, at, options.timestamps ?? false));
  }
  return options.tailLines !== undefined
    ? lines.slice(Math.max(0, lines.length - options.tailLines))
    : lines;
}

/** The one line written at `index` (0 is the start-up banner). */
export function formatLine(
  pod: KubeObject,
  container: string,
  index: number,
  at: number,
  timestamps: boolean,
): string {
  const image = imageOf(pod, container);
  const time = new Date(at).toISOString();
  const text =
    crashes(pod, container) && index % 4 === 3
      ? `fatal: configuration check failed, exiting with status 1`
      : index === 0
        ? `starting ${image} in ${pod.metadata.name}`
        : /nginx|httpd|caddy|traefik|envoy/.test(image)
          ? accessLine(pod, index, time)
          : appLine(pod, index, time);
  return timestamps ? `${time} ${text}` : text;
}

const PATHS = ['/', '/healthz', '/api/items', '/api/items/42', '/static/app.js', '/login'];
const STATUSES = [200, 200, 200, 200, 304, 201, 404, 500];

/** Deterministic small numbers per pod and line. */
function pick(pod: KubeObject, index: number, salt: string, modulo: number): number {
  const digest = createHash('sha1').update(`${pod.metadata.uid}:${index}:${salt}`).digest();
  return digest.readUInt32BE(0) % modulo;
}

function accessLine(pod: KubeObject, index: number, time: string): string {
  const client = `10.244.${pick(pod, index, 'a', 4)}.${pick(pod, index, 'b', 250) + 2}`;
  const path = PATHS[pick(pod, index, 'path', PATHS.length)];
  const status = STATUSES[pick(pod, index, 'status', STATUSES.length)];
  return `${client} - - [${time}] "GET ${path} HTTP/1.1" ${status} ${pick(pod, index, 'size', 4000) + 120} "-" "Mozilla/5.0"`;
}

function appLine(pod: KubeObject, index: number, time: string): string {
  const path = PATHS[pick(pod, index, 'path', PATHS.length)];
  const status = STATUSES[pick(pod, index, 'status', STATUSES.length)];
  const level = status! >= 500 ? 'error' : 'info';
  return `time=${time} level=${level} msg="handled request" path=${path} status=${status} duration=${pick(pod, index, 'ms', 90) + 1}ms`;
}

function containerState(pod: KubeObject, container: string): Json | undefined {
  const status = asObject(pod.status);
  const statuses = (
    Array.isArray(status.containerStatuses) ? status.containerStatuses : []
  ) as Json[];
  const found = statuses.find((entry) => entry.name === container);
  return found && isPlainObject(found.state) ? found.state : undefined;
}

function imageOf(pod: KubeObject, container: string): string {
  const spec = asObject(pod.spec);
  const found = (Array.isArray(spec.containers) ? spec.containers : []).find(
    (entry) => isPlainObject(entry) && entry.name === container,
  ) as Json | undefined;
  return String(found?.image ?? '');
}

const crashes = (pod: KubeObject, container: string): boolean =>
  imageOf(pod, container).includes('crash');

/**
 * `follow=true`: the lines so far, then each new one as it is written, until the pod is gone or
 * has finished, or the client hangs up.
 */
export function followLogs(
  readPod: () => KubeObject | undefined,
  container: string,
  intervalMs: number,
  options: LogOptions,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let timer: NodeJS.Timeout | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const first = readPod();
      if (!first) return controller.close();
      const uid = first.metadata.uid;
      const initial = logLines(first, container, Date.now(), intervalMs, options);
      controller.enqueue(encoder.encode(initial.map((line) => `${line}\n`).join('')));
      let written = logLines(first, container, Date.now(), intervalMs, {
        ...options,
        tailLines: undefined,
      }).length;
      timer = setInterval(() => {
        const pod = readPod();
        if (
          !pod ||
          pod.metadata.uid !== uid ||
          ['Succeeded', 'Failed'].includes(String((pod.status as Json | undefined)?.phase))
        ) {
          clearInterval(timer);
          controller.close();
          return;
        }
        const all = logLines(pod, container, Date.now(), intervalMs, {
          ...options,
          tailLines: undefined,
          sinceSeconds: undefined,
        });
        const fresh = all.slice(written);
        written = all.length;
        if (fresh.length > 0)
          controller.enqueue(encoder.encode(fresh.map((line) => `${line}\n`).join('')));
      }, intervalMs);
    },
    cancel() {
      clearInterval(timer);
    },
  });
}
