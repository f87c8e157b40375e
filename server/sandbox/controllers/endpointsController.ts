/**
 * Gives each Service with a selector the Endpoints and EndpointSlice of the pods it selects:
 * ready pods as addresses, the others as not-ready, with the Service's ports resolved against
 * the pods' named container ports. Both belong to the Service and go with it.
 */
import { isDeepStrictEqual } from 'node:util';
import { asObjectList, isPlainObject, type KubeObject } from '../kubeObject.js';
import type { StoredEvent } from '../objectStore.js';
import { groupResourceOf } from '../resourceTypes.js';
import { selectorFromMap } from '../selectors.js';
import {
  controllerReference,
  isAbout,
  keyOf,
  splitKey,
  type ControllerContext,
} from './controllerContext.js';
import { isPodReady, podPhase } from './podTemplates.js';
import { QueuedController } from './queuedController.js';

type Json = Record<string, unknown>;

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export class EndpointsController extends QueuedController {
  constructor(context: ControllerContext) {
    super(context, 'endpoints');
  }

  protected initialKeys(): string[] {
    return this.context.store.list(groupResourceOf(this.context.kinds.service)).map(keyOf);
  }

  protected keysFor(event: StoredEvent): string[] {
    const { kinds, resources } = this.context;
    if (isAbout(event, kinds.service)) return event.type === 'DELETED' ? [] : [keyOf(event.object)];
    if (!isAbout(event, kinds.pod)) return [];
    // A pod can matter to any Service of its namespace; there are few of those.
    return resources.list(kinds.service, event.object.metadata.namespace).items.map(keyOf);
  }

  protected sync(key: string): void {
    const { resources, kinds } = this.context;
    const [namespace, name] = splitKey(key);
    const service = resources.find(kinds.service, namespace, name);
    if (!service || service.metadata.deletionTimestamp) return;
    const spec = (service.spec ?? {}) as Json;
    // Without a selector the Endpoints are the user's to manage.
    if (!isPlainObject(spec.selector) || Object.keys(spec.selector).length === 0) return;
    const selector = selectorFromMap(spec.selector as Record<string, string>);
    const pods = resources
      .list(kinds.pod, namespace)
      .items.filter(
        (pod) =>
          selector.matches(pod.metadata.labels) &&
          podIp(pod) &&
          podPhase(pod) !== 'Succeeded' &&
          podPhase(pod) !== 'Failed',
      );
    const servicePorts = asObjectList(spec.ports);
    const ports = (pod: KubeObject | undefined) =>
      servicePorts.map((port) => ({
        ...(port.name ? { name: port.name } : {}),
        port: resolvePort(port.targetPort ?? port.port, pod),
        protocol: port.protocol ?? 'TCP',
      }));
    const address = (pod: KubeObject) => ({
      ip: podIp(pod),
      nodeName: (pod.spec as Json).nodeName,
      targetRef: { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    });
    const ready = pods.filter(isPodReady);
    const notReady = pods.filter((pod) => !isPodReady(pod));
    const owner = controllerReference(service, kinds.service);

    const subsets =
      pods.length === 0
        ? []
        : [
            {
              ...(ready.length > 0 ? { addresses: ready.map(address) } : {}),
              ...(notReady.length > 0 ? { notReadyAddresses: notReady.map(address) } : {}),
              ports: ports(pods[0]),
            },
          ];
    this.upsert(
      kinds.endpoints,
      namespace,
      name,
      {
        metadata: { name, namespace, labels: service.metadata.labels, ownerReferences: [owner] },
        subsets,
      },
      ['subsets'],
    );

    const sliceName = `${name}-sandbox`;
    this.upsert(
      kinds.endpointSlice,
      namespace,
      sliceName,
      {
        metadata: {
          name: sliceName,
          namespace,
          labels: {
            [SERVICE_NAME_LABEL]: name,
            'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
          },
          ownerReferences: [owner],
        },
        addressType: 'IPv4',
        endpoints: pods.map((pod) => ({
          addresses: [podIp(pod)],
          conditions: { ready: isPodReady(pod), serving: isPodReady(pod), terminating: false },
          nodeName: (pod.spec as Json).nodeName,
          targetRef: { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid },
        })),
        ports: ports(pods[0]),
      },
      ['endpoints', 'ports'],
    );
  }

  /** Creates the object, or updates the given fields when they differ. */
  private upsert(
    type: typeof this.context.kinds.endpoints,
    namespace: string,
    name: string,
    desired: Json,
    fields: string[],
  ) {
    const { resources } = this.context;
    const existing = resources.find(type, namespace, name);
    if (!existing) {
      resources.create(type, namespace, desired);
      return;
    }
    if (fields.every((field) => isDeepStrictEqual(existing[field], desired[field]))) return;
    const changes = Object.fromEntries(fields.map((field) => [field, desired[field]]));
    resources.update(type, namespace, name, { ...existing, ...changes });
  }
}

const podIp = (pod: KubeObject): string | undefined =>
  (isPlainObject(pod.status) ? (pod.status.podIP as string | undefined) : undefined) ?? undefined;

/** A numeric target port as is; a named one looked up in the pod's container ports. */
function resolvePort(target: unknown, pod: KubeObject | undefined): number {
  if (typeof target === 'number') return target;
  const containers = ((pod?.spec as Json | undefined)?.containers ?? []) as Json[];
  for (const container of containers) {
    for (const port of (container.ports ?? []) as Json[]) {
      if (port.name === target) return Number(port.containerPort);
    }
  }
  return Number(target);
}
