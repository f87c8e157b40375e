/**
 * Places pending pods on nodes: the schedulable, ready node with the fewest pods among those
 * whose labels satisfy the pod's `nodeSelector` and whose capacity the pod's requests fit. A pod
 * that fits nowhere stays Pending with an `Unschedulable` condition and is tried again later.
 */
import { isPlainObject, timestamp, type KubeObject } from '../kubeObject.js';
import type { StoredEvent } from '../objectStore.js';
import { groupResourceOf } from '../resourceTypes.js';
import { isAbout, keyOf, splitKey, type ControllerContext } from './controllerContext.js';
import { isPodActive } from './podTemplates.js';
import { quantity } from './quantities.js';
import { QueuedController } from './queuedController.js';

const RETRY_UNSCHEDULABLE_MS = 2_000;

export class Scheduler extends QueuedController {
  constructor(context: ControllerContext) {
    super(context, 'scheduler');
  }

  protected initialKeys(): string[] {
    return this.context.store
      .list(groupResourceOf(this.context.kinds.pod))
      .filter(isUnscheduled)
      .map(keyOf);
  }

  protected keysFor(event: StoredEvent): string[] {
    const wanted =
      isAbout(event, this.context.kinds.pod) &&
      event.type !== 'DELETED' &&
      isUnscheduled(event.object);
    return wanted ? [keyOf(event.object)] : [];
  }

  protected sync(key: string): void {
    const { resources, kinds, events } = this.context;
    const [namespace, name] = splitKey(key);
    const pod = resources.find(kinds.pod, namespace, name);
    if (!pod || !isUnscheduled(pod)) return;
    const spec = isPlainObject(pod.spec) ? pod.spec : {};

    const node = this.pickNode(pod);
    if (!node) {
      const message = `0/${resources.list(kinds.node, undefined).items.length} nodes are available: no node matches the pod's node selector and fits its resource requests.`;
      this.setScheduledCondition(pod, 'False', 'Unschedulable', message);
      events.record(pod, 'Warning', 'FailedScheduling', message, 'default-scheduler');
      this.queue.addAfter(key, RETRY_UNSCHEDULABLE_MS);
      return;
    }
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
    const spec = isPlainObject(pod.spec) ? pod.spec : {};
    const selector = isPlainObject(spec.nodeSelector) ? spec.nodeSelector : {};
    const pods = resources.list(kinds.pod, undefined).items.filter(isPodActive);
    const candidates = resources
      .list(kinds.node, undefined)
      .items.filter((node) => isSchedulable(node))
      .filter((node) =>
        Object.entries(selector).every(([key, value]) => node.metadata.labels?.[key] === value),
      )
      .map((node) => {
        const placed = pods.filter(
          (other) => (other.spec as { nodeName?: string }).nodeName === node.metadata.name,
        );
        return { node, placed };
      })
      .filter(({ node, placed }) => fits(node, [...placed, pod]));
    candidates.sort((a, b) => a.placed.length - b.placed.length);
    return candidates[0]?.node;
  }

  private setScheduledCondition(
    pod: KubeObject,
    status: 'True' | 'False',
    reason?: string,
    message?: string,
  ) {
    const { resources, kinds } = this.context;
    const current = isPlainObject(pod.status) ? pod.status : {};
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
  const spec = isPlainObject(pod.spec) ? pod.spec : {};
  const scheduler = spec.schedulerName ?? 'default-scheduler';
  return !spec.nodeName && scheduler === 'default-scheduler' && isPodActive(pod);
}

function isSchedulable(node: KubeObject): boolean {
  const spec = isPlainObject(node.spec) ? node.spec : {};
  if (spec.unschedulable === true) return false;
  const status = isPlainObject(node.status) ? node.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.some(
    (condition) =>
      isPlainObject(condition) && condition.type === 'Ready' && condition.status === 'True',
  );
}

/** Whether the pods' summed requests stay within the node's allocatable cpu, memory and pods. */
function fits(node: KubeObject, pods: KubeObject[]): boolean {
  const status = isPlainObject(node.status) ? node.status : {};
  const allocatable = isPlainObject(status.allocatable) ? status.allocatable : {};
  if (pods.length > quantity(allocatable.pods ?? '110')) return false;
  return ['cpu', 'memory'].every((resource) => {
    const limit = quantity(allocatable[resource] ?? '0');
    const requested = pods.reduce((sum, pod) => sum + podRequest(pod, resource), 0);
    return requested <= limit;
  });
}

function podRequest(pod: KubeObject, resource: string): number {
  const spec = isPlainObject(pod.spec) ? pod.spec : {};
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  return containers.reduce((sum: number, container) => {
    const resources =
      isPlainObject(container) && isPlainObject(container.resources) ? container.resources : {};
    const requests = isPlainObject(resources.requests) ? resources.requests : {};
    const requested = quantity(requests[resource] ?? '0');
    return sum + (Number.isFinite(requested) ? requested : 0);
  }, 0);
}
