/**
 * What every sandbox controller works with: the resource service (controllers write through the
 * same verbs as clients, so watches and validation see their writes), the store's event feed,
 * the kinds they manage, an event recorder and the simulated timings.
 */
import type { Logger } from '../../log.js';
import type { KubeObject, OwnerReference } from '../kubeObject.js';
import type { ObjectStore, StoredEvent } from '../objectStore.js';
import type { ResourceCatalog } from '../resourceCatalog.js';
import type { ResourceService } from '../resourceService.js';
import { apiVersionOf, groupResourceOf, type ResourceType } from '../resourceTypes.js';
import type { EventRecorder } from './eventRecorder.js';
import type { OwnerIndex } from './ownerIndex.js';

export interface SandboxTimings {
  /** From scheduling to a pod's containers running and ready (0 for benchmarks). */
  podStartMs: number;
  /** How long a Job's pod runs before it succeeds. */
  jobPodRunMs: number;
  /**
   * The clock CronJob schedules and Job start, completion and deadline times are read from (ms
   * since the epoch; `Date.now` when absent). Tests set it ahead to reach a schedule without
   * waiting; timers still run on real time, so a clock moved later is noticed at the next change.
   */
  now?: () => number;
  /** How often a simulated container writes a log line. */
  logIntervalMs: number;
}

export const DEFAULT_TIMINGS: SandboxTimings = {
  podStartMs: 1_000,
  jobPodRunMs: 2_000,
  logIntervalMs: 2_000,
};

/** The current time by the sandbox's clock (see `SandboxTimings.now`). */
export const nowOf = (timings: SandboxTimings): number => (timings.now ?? Date.now)();

/**
 * Most pods one controller creates in one sync; it comes back for the rest a moment later. Like
 * kube-controller-manager's batched creation, this keeps a mistyped `replicas: 100000` from
 * holding the sandbox's only thread for minutes.
 */
export const MAX_CREATES_PER_SYNC = 250;
export const CREATE_BATCH_PAUSE_MS = 50;

export interface ControllerContext {
  resources: ResourceService;
  store: ObjectStore;
  /** Who owns what, by `ownerReferences`. */
  owners: OwnerIndex;
  kinds: Kinds;
  events: EventRecorder;
  timings: SandboxTimings;
  logger: Logger;
}

export interface Controller {
  stop(): void;
}

/** The built-in kinds controllers manage, looked up once. */
export type Kinds = ReturnType<typeof resolveKinds>;

export function resolveKinds(catalog: ResourceCatalog) {
  const kind = (apiVersion: string, name: string): ResourceType => {
    const type = catalog.findKind(apiVersion, name);
    if (!type) throw new Error(`the sandbox does not serve ${apiVersion} ${name}`);
    return type;
  };
  return {
    namespace: kind('v1', 'Namespace'),
    node: kind('v1', 'Node'),
    pod: kind('v1', 'Pod'),
    service: kind('v1', 'Service'),
    endpoints: kind('v1', 'Endpoints'),
    endpointSlice: kind('discovery.k8s.io/v1', 'EndpointSlice'),
    event: kind('v1', 'Event'),
    serviceAccount: kind('v1', 'ServiceAccount'),
    persistentVolumeClaim: kind('v1', 'PersistentVolumeClaim'),
    persistentVolume: kind('v1', 'PersistentVolume'),
    deployment: kind('apps/v1', 'Deployment'),
    replicaSet: kind('apps/v1', 'ReplicaSet'),
    statefulSet: kind('apps/v1', 'StatefulSet'),
    daemonSet: kind('apps/v1', 'DaemonSet'),
    job: kind('batch/v1', 'Job'),
    cronJob: kind('batch/v1', 'CronJob'),
  };
}

/** `namespace/name`, also the key controllers queue. */
export { keyOf } from '../kubeObject.js';

export function splitKey(key: string): [namespace: string, name: string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}

/** Whether a store event is about objects of `type`. */
export const isAbout = (event: StoredEvent, type: ResourceType): boolean =>
  event.resource === groupResourceOf(type);

/** The owner reference a controller puts on what it creates. */
export const controllerReference = (owner: KubeObject, type: ResourceType): OwnerReference => ({
  apiVersion: apiVersionOf(type),
  kind: type.kind,
  name: owner.metadata.name,
  uid: owner.metadata.uid!,
  controller: true,
  blockOwnerDeletion: true,
});

/** The owner reference marked `controller`, if any. */
export const controllerOf = (object: KubeObject): OwnerReference | undefined =>
  object.metadata.ownerReferences?.find((reference) => reference.controller);

/** Whether `owner` controls `object`. */
export const isControlledBy = (object: KubeObject, owner: KubeObject): boolean =>
  controllerOf(object)?.uid === owner.metadata.uid;
