/**
 * Places pending pods on nodes: the schedulable, ready node with the fewest pods among those
 * whose labels satisfy the pod's `nodeSelector` and whose capacity the pod's requests fit. A pod
 * that fits nowhere stays Pending with an `Unschedulable` condition and is tried again later.
 */
import { asObject, isPlainObject, timestamp, type KubeObject } from '../kubeObject.js';
import type { StoredEvent } from '../objectStore.js';
import { groupResourceOf } from '../resourceTypes.js';
import { isAbout, keyOf, splitKey, type ControllerContext } from './controllerContext.js';
import { isPodActive } from './podTemplates.js';
import { quantity } from './quantities.js';
import { QueuedController } from './queuedController.js';

/** An unschedulable pod is tried again after 1 s, doubling up to a minute. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;

export class Scheduler extends QueuedController {
  constructor(context: ControllerContext) {
    super(context, 'scheduler');
  }

  /** Failed attempts per pod key, for the back-off. */
  private readonly failures = new Map<string, number>();
  /** What each placed, active pod takes from its node, kept current from the event feed. */
  private readonly placements = new Map<string, Placement>();
  /** The sums of `placements` per node. */
  private readonly usage = new Map<string, Usage>();

  protected initialKeys(): string[] {
    const pods = this.context.store.list(groupResourceOf(this.context.kinds.pod));
    for (const pod of pods) this.track(keyOf(pod), pod);
    return pods.filter(isUnscheduled).map(keyOf);
  }

  protected keysFor(event: StoredEvent): string[] {
    if (!isAbout(event, this.context.kinds.pod)) return [];
    const key = keyOf(event.object);
    const deleted = event.type === 'DELETED';
    this.track(key, deleted ? undefined : event.object);
    return !deleted && isUnscheduled(event.object) ? [key] : [];
  }

  /** Moves a pod's requests to the node it is on now (none if gone, finished or unplaced). */
  private track(key: string, pod: KubeObject | undefined): void {
    const before = this.placements.get(key);
    if (before) {
      this.placements.delete(key);
      addUsage(this.usage, before, -1);
    }
    const node = pod && isPodActive(pod) ? (pod.spec as { nodeName?: string }).nodeName : undefined;
    if (!pod || !node) return;
    const placement = { node, cpu: podRequest(pod, 'cpu'), memory: podRequest(pod, 'memory') };
    this.placements.set(key, placement);
    addUsage(this.usage, placement, 1);
  }

  protected sync(key: string): void {
    const { resources, kinds, events } = this.context;
    const [namespace, name] = splitKey(key);
    const pod = resources.find(kinds.pod, namespace, name);
    if (!pod || !isUnscheduled(pod)) {
      this.failures.delete(key);
      return;
    }
    const spec = asObject(pod.spec);

    const node = this.pickNode(pod);
    if (!node) {
      const message = `0/${resources.list(kinds.node, undefined).items.length} nodes are available: no node matches the pod's node selector and fits its resource requests.`;
      this.setScheduledCondition(pod, 'False', 'Unschedulable', message);
      events.record(pod, 'Warning', 'FailedScheduling', message, 'default-scheduler');
      const failures = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, failures);
      this.queue.addAfter(key, Math.min(FIRST_RETRY_MS * 2 ** (failures - 1), MAX_RETRY_MS));
      return;
    }
    this.failures.delete(key);
    const bound = resources.update(kinds.pod, namespace, name, {
      ...pod,
      spec: { ...spec, nodeName: node.metadata.name },
    });
    this.setScheduledCondition(bound, 'True');
    events.record(
      pod,
      'Normal',
      'Scheduled',
      `Successfully assigned ${namespace}/${name} to ${node.metadata.name}`,
      'default-scheduler',
    );
  }

  private pickNode(pod: KubeObject): KubeObject | undefined {
    const { resources, kinds } = this.context;
    const spec = asObject(pod.spec);
    const selector = asObject(spec.nodeSelector);
    const wants = { cpu: podRequest(pod, 'cpu'), memory: podRequest(pod, 'memory') };
    const candidates = resources
      .list(kinds.node, undefined)
      .items.filter((node) => isSchedulable(node))
      .filter((node) =>
        Object.entries(selector).every(([key, value]) => node.metadata.labels?.[key] === value),
      )
      .map((node) => ({ node, used: this.usage.get(node.metadata.name) ?? EMPTY_USAGE }))
      .filter(({ node, used }) => fits(node, used, wants));
    candidates.sort((a, b) => a.used.pods - b.used.pods);
    return candidates[0]?.node;
  }

  private setScheduledCondition(
    pod: KubeObject,
    status: 'True' | 'False',
    reason?: string,
    message?: string,
  ) {
    const { resources, kinds } = this.context;
    const current = asObject(pod.status);
    const conditions = (Array.isArray(current.conditions) ? current.conditions : []).filter(
      (condition) => !(isPlainObject(condition) && condition.type === 'PodScheduled'),
    );
    const previous = (Array.isArray(current.conditions) ? current.conditions : []).find(
      (condition) => isPlainObject(condition) && condition.type === 'PodScheduled',
    ) as Record<string, unknown> | undefined;
    if (previous?.status === status && previous.reason === reason) return;
    resources.update(
      kinds.pod,
      pod.metadata.namespace,
      pod.metadata.name,
      {
        ...pod,
        status: {
          ...current,
          conditions: [
            ...conditions,
            {
              type: 'PodScheduled',
              status,
              lastTransitionTime: timestamp(),
              ...(reason ? { reason } : {}),
              ...(message ? { message } : {}),
            },
          ],
        },
      },
      { subresource: 'status' },
    );
  }
}

/** Pods for this scheduler (another `schedulerName` is some other scheduler's) not yet placed. */
function isUnscheduled(pod: KubeObject): boolean {
  const spec = asObject(pod.spec);
  const scheduler = spec.schedulerName ?? 'default-scheduler';
  return !spec.nodeName && scheduler === 'default-scheduler' && isPodActive(pod);
}

function isSchedulable(node: KubeObject): boolean {
  const spec = asObject(node.spec);
  if (spec.unschedulable === true) return false;
  const status = asObject(node.status);
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.some(
    (condition) =>
      isPlainObject(condition) && condition.type === 'Ready' && condition.status === 'True',
  );
}

interface Usage {
  pods: number;
  cpu: number;
  memory: number;
}

interface Placement {
  node: string;
  cpu: number;
  memory: number;
}

const EMPTY_USAGE: Usage = { pods: 0, cpu: 0, memory: 0 };

function addUsage(usage: Map<string, Usage>, placement: Placement, sign: 1 | -1): void {
  const current = usage.get(placement.node) ?? EMPTY_USAGE;
  usage.set(placement.node, {
    pods: current.pods + sign,
    cpu: current.cpu + sign * placement.cpu,
    memory: current.memory + sign * placement.memory,
  });
}

/** Whether one more pod wanting `wants` fits beside `used` in the node's allocatable resources. */
function fits(node: KubeObject, used: Usage, wants: { cpu: number; memory: number }): boolean {
  const status = asObject(node.status);
  const allocatable = asObject(status.allocatable);
  if (used.pods + 1 > quantity(allocatable.pods ?? '110')) return false;
  return (
    used.cpu + wants.cpu <= quantity(allocatable.cpu ?? '0') &&
    used.memory + wants.memory <= quantity(allocatable.memory ?? '0')
  );
}

function podRequest(pod: KubeObject, resource: string): number {
  const spec = asObject(pod.spec);
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  return containers.reduce((sum: number, container) => {
    const resources = asObject(asObject(container).resources);
    const requests = asObject(resources.requests);
    const requested = quantity(requests[resource] ?? '0');
    return sum + (Number.isFinite(requested) ? requested : 0);
  }, 0);
}
