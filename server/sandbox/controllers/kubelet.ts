/**
 * What the kubelets of the three simulated nodes would report about the pods placed on them.
 * After `podStartMs` a pod's containers run and it becomes Ready, with an IP — unless an image
 * says otherwise, so that failures can be shown:
 * - an image whose name contains `crash` starts, exits with 1 and restarts with back-off
 *   (CrashLoopBackOff); under `restartPolicy: Never` the pod fails instead;
 * - an image tagged `:nonexistent` cannot be pulled (ErrImagePull, then ImagePullBackOff).
 * Pods of Jobs (`restartPolicy` Never or OnFailure) run for `jobPodRunMs`, then succeed.
 */
import {
  asObject,
  asObjectList,
  isPlainObject,
  timestamp,
  type KubeObject,
} from '../kubeObject.js';
import type { StoredEvent } from '../objectStore.js';
import { groupResourceOf } from '../resourceTypes.js';
import { isAbout, keyOf, splitKey, type ControllerContext } from './controllerContext.js';
import { isPodActive, podPhase } from './podTemplates.js';
import { NODE_NAMES } from '../bootstrap.js';
import { QueuedController } from './queuedController.js';
import { claimNamesOf, isClaimBound } from './volumeBinder.js';

const COMPONENT = 'kubelet';
const MAX_CRASH_BACKOFF_MS = 5 * 60_000;

type Json = Record<string, unknown>;
type Outcome = 'running' | 'crash' | 'pull';

const outcomeOf = (image: string): Outcome =>
  image.endsWith(':nonexistent') ? 'pull' : image.includes('crash') ? 'crash' : 'running';

export class Kubelet extends QueuedController {
  /** When each pod (by uid) was first seen on its node, to time its start. */
  private readonly placedAt = new Map<string, number>();
  private nextAddress = 0;

  constructor(context: ControllerContext) {
    super(context, 'kubelet');
  }

  protected initialKeys(): string[] {
    return this.context.store
      .list(groupResourceOf(this.context.kinds.pod))
      .flatMap((pod) => this.placed(pod));
  }

  protected keysFor(event: StoredEvent): string[] {
    if (isAbout(event, this.context.kinds.persistentVolumeClaim)) return this.claimUsers(event);
    if (!isAbout(event, this.context.kinds.pod)) return [];
    if (event.type !== 'DELETED') return this.placed(event.object);
    this.placedAt.delete(event.object.metadata.uid!);
    return [];
  }

  /** A pod newly on a node: noted with the time, and its key to sync. */
  private placed(pod: KubeObject): string[] {
    const spec = asObject(pod.spec);
    if (!spec.nodeName || !isPodActive(pod) || this.placedAt.has(pod.metadata.uid!)) return [];
    this.placedAt.set(pod.metadata.uid!, Date.now());
    return [keyOf(pod)];
  }

  protected sync(key: string): void {
    const { resources, kinds } = this.context;
    const [namespace, name] = splitKey(key);
    const pod = resources.find(kinds.pod, namespace, name);
    if (!pod || !isPodActive(pod)) return;
    const waited = Date.now() - (this.placedAt.get(pod.metadata.uid!) ?? 0);
    const { podStartMs } = this.context.timings;
    if (podPhase(pod) === 'Pending' && !hasContainerStatuses(pod)) {
      if (waited < podStartMs) return this.queue.addAfter(key, podStartMs - waited);
      // Volumes are mounted before containers start: a pod waits until its claims are bound.
      if (!this.claimsBound(pod)) return;
      return this.startPod(pod);
    }
    if (podPhase(pod) === 'Running') this.advance(pod);
  }

  /** Pods on nodes that wait for a claim that has just been bound. */
  private claimUsers(event: StoredEvent): string[] {
    const claim = event.object;
    if (event.type === 'DELETED' || !isClaimBound(claim)) return [];
    return this.context.store
      .list(groupResourceOf(this.context.kinds.pod), claim.metadata.namespace)
      .filter((pod) => this.placedAt.has(pod.metadata.uid!))
      .filter((pod) => claimNamesOf(pod).includes(claim.metadata.name))
      .map(keyOf);
  }

  private claimsBound(pod: KubeObject): boolean {
    const { resources, kinds } = this.context;
    return claimNamesOf(pod).every((name) =>
      isClaimBound(resources.find(kinds.persistentVolumeClaim, pod.metadata.namespace!, name)),
    );
  }

  /** The first report about a pod: its containers running, waiting on a pull, or crashed. */
  private startPod(pod: KubeObject): void {
    const containers = containersOf(pod);
    const outcomes = containers.map((container) => outcomeOf(String(container.image ?? '')));
    const now = timestamp();
    for (const container of containers) {
      const image = String(container.image ?? '');
      if (outcomeOf(image) === 'pull') {
        this.record(pod, 'Warning', 'Failed', `Failed to pull image "${image}": image not found`);
        this.record(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      } else {
        this.record(
          pod,
          'Normal',
          'Pulled',
          `Container image "${image}" already present on machine`,
        );
        this.record(pod, 'Normal', 'Created', `Created container ${String(container.name)}`);
        this.record(pod, 'Normal', 'Started', `Started container ${String(container.name)}`);
      }
    }
    const pulling = outcomes.includes('pull');
    const crashing = outcomes.includes('crash');
    const restartNever = restartPolicyOf(pod) === 'Never';
    const phase = pulling ? 'Pending' : crashing && restartNever ? 'Failed' : 'Running';
    const ready = !pulling && !crashing;
    this.writeStatus(pod, {
      phase,
      hostIP: this.hostIp(pod),
      podIP: this.podIp(),
      startTime: now,
      conditions: podConditions(ready, now),
      containerStatuses: containers.map((container, index) =>
        containerStatus(container, outcomes[index]!, 0, now, restartNever),
      ),
    });
    if (crashing && !restartNever) {
      this.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
      this.queue.addAfter(keyOf(pod), backoffMs(0));
    } else if (ready && restartPolicyOf(pod) !== 'Always') {
      this.queue.addAfter(keyOf(pod), this.context.timings.jobPodRunMs);
    }
  }

  /** Later reports: a crashing container restarts again; a Job's pod completes. */
  private advance(pod: KubeObject): void {
    const status = asObject(pod.status);
    const statuses = (
      Array.isArray(status.containerStatuses) ? status.containerStatuses : []
    ) as Json[];
    const now = timestamp();
    if (statuses.some((container) => isCrashing(container))) {
      const restarts = Number(statuses[0]?.restartCount ?? 0) + 1;
      this.writeStatus(pod, {
        ...status,
        containerStatuses: statuses.map((container) =>
          isCrashing(container) ? { ...container, restartCount: restarts } : container,
        ),
      });
      this.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
      this.queue.addAfter(keyOf(pod), backoffMs(restarts));
      return;
    }
    if (restartPolicyOf(pod) === 'Always') return;
    this.writeStatus(pod, {
      ...status,
      phase: 'Succeeded',
      conditions: podConditions(false, now, 'PodCompleted'),
      containerStatuses: statuses.map((container) => ({
        ...container,
        ready: false,
        started: false,
        state: {
          terminated: {
            exitCode: 0,
            reason: 'Completed',
            startedAt: status.startTime,
            finishedAt: now,
          },
        },
      })),
    });
  }

  private writeStatus(pod: KubeObject, status: Json): void {
    const { resources, kinds } = this.context;
    resources.update(
      kinds.pod,
      pod.metadata.namespace,
      pod.metadata.name,
      { ...pod, status: { qosClass: 'BestEffort', ...status } },
      { subresource: 'status' },
    );
  }

  private record(pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string) {
    this.context.events.record(pod, type, reason, message, COMPONENT);
  }

  private hostIp(pod: KubeObject): string {
    const node = String((pod.spec as Json).nodeName ?? '');
    return `192.168.49.${NODE_NAMES.indexOf(node) + 2}`;
  }

  private podIp(): string {
    this.nextAddress = (this.nextAddress + 1) % 65_000;
    return `10.244.${Math.floor(this.nextAddress / 250)}.${(this.nextAddress % 250) + 2}`;
  }
}

const containersOf = (pod: KubeObject): Json[] => {
  const spec = asObject(pod.spec);
  return asObjectList(spec.containers);
};

const restartPolicyOf = (pod: KubeObject): string =>
  String((isPlainObject(pod.spec) ? pod.spec.restartPolicy : undefined) ?? 'Always');

const hasContainerStatuses = (pod: KubeObject): boolean =>
  isPlainObject(pod.status) && Array.isArray(pod.status.containerStatuses);

const isCrashing = (container: Json): boolean =>
  isPlainObject(container.state) &&
  isPlainObject(container.state.waiting) &&
  container.state.waiting.reason === 'CrashLoopBackOff';

/** Kubernetes doubles the restart back-off from 10 s up to five minutes. */
const backoffMs = (restarts: number): number =>
  Math.min(10_000 * 2 ** restarts, MAX_CRASH_BACKOFF_MS);

function podConditions(ready: boolean, now: string, reason?: string): Json[] {
  const readiness = ready ? 'True' : 'False';
  const why = ready ? {} : { reason: reason ?? 'ContainersNotReady' };
  return [
    { type: 'PodReadyToStartContainers', status: 'True', lastTransitionTime: now },
    { type: 'Initialized', status: 'True', lastTransitionTime: now },
    { type: 'Ready', status: readiness, lastTransitionTime: now, ...why },
    { type: 'ContainersReady', status: readiness, lastTransitionTime: now, ...why },
    { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
  ];
}

function containerStatus(
  container: Json,
  outcome: Outcome,
  restarts: number,
  now: string,
  restartNever: boolean,
): Json {
  const image = String(container.image ?? '');
  const base = { name: container.name, image, imageID: '', restartCount: restarts };
  switch (outcome) {
    case 'running':
      return {
        ...base,
        imageID: `docker.io/library/${image}@sha256:${'0'.repeat(64)}`,
        containerID: `sandbox://${String(container.name)}-${Date.now().toString(36)}`,
        ready: true,
        started: true,
        state: { running: { startedAt: now } },
      };
    case 'crash': {
      const terminated = { exitCode: 1, reason: 'Error', startedAt: now, finishedAt: now };
      return {
        ...base,
        ready: false,
        started: false,
        state: restartNever
          ? { terminated }
          : {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off restarting failed container ${String(container.name)}`,
              },
            },
        lastState: restartNever ? {} : { terminated },
      };
    }
    case 'pull':
      return {
        ...base,
        ready: false,
        started: false,
        state: {
          waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` },
        },
      };
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}
