/**
 * Binds PersistentVolumeClaims as the persistent volume controller and a dynamic provisioner do
 * together. A Pending claim without a class gets the default StorageClass; it then binds to an
 * Available volume that fits (same class, enough capacity, its access modes), or else gets a
 * volume `pvc-<claim uid>` provisioned from its class. A claim naming a class that does not
 * exist stays Pending with a `ProvisioningFailed` warning until the class appears. When a bound
 * claim is deleted its volume is deleted (reclaim policy `Delete`) or kept as `Released`.
 */
import { asObject, type KubeObject } from '../kubeObject.js';
import type { StoredEvent } from '../objectStore.js';
import { groupResourceOf, type ResourceType } from '../resourceTypes.js';
import { isAbout, keyOf, splitKey, type ControllerContext } from './controllerContext.js';
import { isPodActive } from './podTemplates.js';
import { quantity } from './quantities.js';
import { QueuedController } from './queuedController.js';

type Json = Record<string, unknown>;

const COMPONENT = 'persistentvolume-controller';
const STORAGE_CLASSES = groupResourceOf({ group: 'storage.k8s.io', plural: 'storageclasses' });
const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
/** Where the sandbox pretends provisioned volumes live, as minikube's hostpath provisioner. */
const HOST_PATH_ROOT = '/tmp/hostpath-provisioner';

const phaseOf = (object: KubeObject): string => String(asObject(object.status).phase ?? '');

/** The claims a pod mounts (`volumes[].persistentVolumeClaim.claimName`). */
export function claimNamesOf(pod: KubeObject): string[] {
  const volumes = asObject(pod.spec).volumes;
  return (Array.isArray(volumes) ? volumes : [])
    .map((volume) => asObject(asObject(volume).persistentVolumeClaim).claimName)
    .filter((name): name is string => typeof name === 'string');
}

/** Whether a claim has a volume, so that pods using it can start. */
export const isClaimBound = (claim: KubeObject | undefined): boolean =>
  claim !== undefined && phaseOf(claim) === 'Bound';

export class VolumeBinder extends QueuedController {
  constructor(context: ControllerContext) {
    super(context, 'volume binder');
  }

  protected initialKeys(): string[] {
    const { store, kinds } = this.context;
    return [
      ...store.list(groupResourceOf(kinds.persistentVolume)).map(volumeKey),
      ...store.list(groupResourceOf(kinds.persistentVolumeClaim)).map(claimKey),
    ];
  }

  /** Keys are `claim:<namespace>/<name>` and `volume:<name>`. */
  protected keysFor(event: StoredEvent): string[] {
    const { kinds } = this.context;
    const { object } = event;
    if (isAbout(event, kinds.persistentVolumeClaim)) {
      const volumeName = asObject(object.spec).volumeName;
      if (event.type !== 'DELETED') return [claimKey(object)];
      return typeof volumeName === 'string' ? [`volume:${volumeName}`] : [];
    }
    if (isAbout(event, kinds.persistentVolume)) {
      // A bound claim whose volume goes is lost; a new free volume may suit a waiting claim.
      const ref = asObject(asObject(object.spec).claimRef);
      if (event.type === 'DELETED') return ref.name ? [`claim:${ref.namespace}/${ref.name}`] : [];
      return [volumeKey(object), ...(phaseOf(object) === 'Available' ? this.pendingClaims() : [])];
    }
    if (event.resource === STORAGE_CLASSES) {
      return event.type === 'DELETED' ? [] : this.pendingClaims();
    }
    // A claim of a `WaitForFirstConsumer` class waits for a pod that uses it.
    if (isAbout(event, kinds.pod) && event.type === 'ADDED') {
      return claimNamesOf(object).map((name) => `claim:${object.metadata.namespace}/${name}`);
    }
    return [];
  }

  private pendingClaims(): string[] {
    const claims = this.context.store.list(
      groupResourceOf(this.context.kinds.persistentVolumeClaim),
    );
    return claims.filter((claim) => phaseOf(claim) === 'Pending').map(claimKey);
  }

  protected sync(key: string): void {
    if (key.startsWith('volume:')) return this.syncVolume(key.slice('volume:'.length));
    const [namespace, name] = splitKey(key.slice('claim:'.length));
    this.syncClaim(namespace, name);
  }

  private syncClaim(namespace: string, name: string): void {
    const { resources, kinds } = this.context;
    let claim = resources.find(kinds.persistentVolumeClaim, namespace, name);
    if (!claim || claim.metadata.deletionTimestamp) return;
    const spec = asObject(claim.spec);
    if (typeof spec.volumeName === 'string' && spec.volumeName) {
      return this.syncNamedVolume(claim, spec.volumeName);
    }
    if (phaseOf(claim) !== 'Pending') return;

    let className = typeof spec.storageClassName === 'string' ? spec.storageClassName : undefined;
    if (className === undefined) {
      // What the DefaultStorageClass admission plugin does when the claim is created.
      const fallback = this.defaultClass();
      if (fallback) {
        className = fallback.metadata.name;
        claim = resources.update(kinds.persistentVolumeClaim, namespace, name, {
          ...claim,
          spec: { ...spec, storageClassName: className },
        });
      }
    }
    const existing = this.matchingVolume(claim, className ?? '');
    if (existing) return this.bind(claim, existing);
    if (!className) {
      return this.record(
        claim,
        'Normal',
        'FailedBinding',
        'no persistent volumes available for this claim and no storage class is set',
      );
    }
    const storageClass = this.context.store.get(STORAGE_CLASSES, '', className);
    if (!storageClass) {
      return this.record(
        claim,
        'Warning',
        'ProvisioningFailed',
        `storageclass.storage.k8s.io "${className}" not found`,
      );
    }
    if (storageClass.volumeBindingMode === 'WaitForFirstConsumer' && !this.hasConsumer(claim)) {
      return this.record(
        claim,
        'Normal',
        'WaitForFirstConsumer',
        'waiting for first consumer to be created before binding',
      );
    }
    this.provision(claim, storageClass);
  }

  /** A claim that names its volume: bound to it if the volume is free, lost if it is gone. */
  private syncNamedVolume(claim: KubeObject, volumeName: string): void {
    const { resources, kinds } = this.context;
    const volume = resources.find(kinds.persistentVolume, '', volumeName);
    if (!volume) {
      if (phaseOf(claim) !== 'Bound') return;
      this.writeStatus(kinds.persistentVolumeClaim, claim, {
        ...asObject(claim.status),
        phase: 'Lost',
      });
      return this.record(
        claim,
        'Warning',
        'ClaimLost',
        'Bound claim has lost its PersistentVolume. Data on the volume is lost!',
      );
    }
    if (phaseOf(claim) === 'Bound') return;
    const ref = asObject(asObject(volume.spec).claimRef);
    const free =
      !ref.name || (refersTo(ref, claim) && (!ref.uid || ref.uid === claim.metadata.uid));
    if (free && phaseOf(volume) !== 'Released') this.bind(claim, volume);
  }

  private defaultClass(): KubeObject | undefined {
    return this.context.store
      .list(STORAGE_CLASSES)
      .filter(
        (storageClass) => storageClass.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true',
      )
      .sort((a, b) =>
        String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)),
      )[0];
  }

  /** The smallest Available volume of the class that holds the request, pre-bound ones first. */
  private matchingVolume(claim: KubeObject, className: string): KubeObject | undefined {
    const { resources, kinds } = this.context;
    const spec = asObject(claim.spec);
    const requested = quantity(asObject(asObject(spec.resources).requests).storage ?? 0);
    const modes = (Array.isArray(spec.accessModes) ? spec.accessModes : []) as unknown[];
    const mode = spec.volumeMode ?? 'Filesystem';
    const size = (volume: KubeObject) => quantity(asObject(asObject(volume.spec).capacity).storage);
    const candidates = resources.list(kinds.persistentVolume, undefined).items.filter((volume) => {
      const volumeSpec = asObject(volume.spec);
      const ref = asObject(volumeSpec.claimRef);
      const volumeModes = Array.isArray(volumeSpec.accessModes) ? volumeSpec.accessModes : [];
      return (
        phaseOf(volume) === 'Available' &&
        (volumeSpec.storageClassName ?? '') === className &&
        (volumeSpec.volumeMode ?? 'Filesystem') === mode &&
        (!ref.name || (refersTo(ref, claim) && !ref.uid)) &&
        !(size(volume) < requested) &&
        modes.every((accessMode) => volumeModes.includes(accessMode))
      );
    });
    const preBound = (volume: KubeObject) => Number(!asObject(asObject(volume.spec).claimRef).name);
    candidates.sort((a, b) => preBound(a) - preBound(b) || size(a) - size(b));
    return candidates[0];
  }

  private hasConsumer(claim: KubeObject): boolean {
    const { resources, kinds } = this.context;
    return resources
      .list(kinds.pod, claim.metadata.namespace)
      .items.some((pod) => isPodActive(pod) && claimNamesOf(pod).includes(claim.metadata.name));
  }

  private provision(claim: KubeObject, storageClass: KubeObject): void {
    const { resources, kinds } = this.context;
    const spec = asObject(claim.spec);
    const storage = asObject(asObject(spec.resources).requests).storage;
    if (storage === undefined) {
      return this.record(claim, 'Warning', 'ProvisioningFailed', 'the claim requests no storage');
    }
    const provisioner = String(storageClass.provisioner ?? '');
    const name = `pvc-${claim.metadata.uid}`;
    const volume =
      resources.find(kinds.persistentVolume, '', name) ??
      resources.create(kinds.persistentVolume, undefined, {
        metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': provisioner } },
        spec: {
          capacity: { storage },
          accessModes: spec.accessModes ?? ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? 'Delete',
          storageClassName: storageClass.metadata.name,
          volumeMode: spec.volumeMode ?? 'Filesystem',
          ...(Array.isArray(storageClass.mountOptions)
            ? { mountOptions: storageClass.mountOptions }
            : {}),
          hostPath: {
            path: `${HOST_PATH_ROOT}/${claim.metadata.namespace}/${claim.metadata.name}`,
            type: '',
          },
          claimRef: claimRefOf(claim),
        },
      });
    this.record(
      claim,
      'Normal',
      'ProvisioningSucceeded',
      `Successfully provisioned volume ${name} using ${provisioner}`,
    );
    this.bind(claim, volume, {
      'volume.kubernetes.io/storage-provisioner': provisioner,
      'volume.beta.kubernetes.io/storage-provisioner': provisioner,
    });
  }

  /** Points volume and claim at each other and marks both Bound. */
  private bind(claim: KubeObject, volume: KubeObject, annotations: Record<string, string> = {}) {
    const { resources, kinds } = this.context;
    const volumeSpec = asObject(volume.spec);
    const ref = asObject(volumeSpec.claimRef);
    let bound = volume;
    if (ref.uid !== claim.metadata.uid) {
      bound = resources.update(kinds.persistentVolume, undefined, volume.metadata.name, {
        ...volume,
        spec: { ...volumeSpec, claimRef: claimRefOf(claim) },
      });
    }
    this.writeStatus(kinds.persistentVolume, bound, { phase: 'Bound' });

    const claimSpec = asObject(claim.spec);
    const byController = claimSpec.volumeName !== volume.metadata.name;
    const updated = resources.update(
      kinds.persistentVolumeClaim,
      claim.metadata.namespace,
      claim.metadata.name,
      {
        ...claim,
        metadata: {
          ...claim.metadata,
          annotations: {
            ...claim.metadata.annotations,
            'pv.kubernetes.io/bind-completed': 'yes',
            ...(byController ? { 'pv.kubernetes.io/bound-by-controller': 'yes' } : {}),
            ...annotations,
          },
        },
        spec: { ...claimSpec, volumeName: volume.metadata.name },
      },
    );
    this.writeStatus(kinds.persistentVolumeClaim, updated, {
      phase: 'Bound',
      accessModes: volumeSpec.accessModes,
      capacity: volumeSpec.capacity,
    });
  }

  /** A volume whose claim is gone: deleted or `Released`, by its reclaim policy. */
  private syncVolume(name: string): void {
    const { resources, kinds } = this.context;
    const volume = resources.find(kinds.persistentVolume, '', name);
    if (!volume) return;
    const spec = asObject(volume.spec);
    const ref = asObject(spec.claimRef);
    if (!ref.uid) return;
    const claim = resources.find(
      kinds.persistentVolumeClaim,
      String(ref.namespace),
      String(ref.name),
    );
    if (claim?.metadata.uid === ref.uid) return;
    if ((spec.persistentVolumeReclaimPolicy ?? 'Retain') === 'Delete') {
      resources.delete(kinds.persistentVolume, undefined, name);
    } else if (phaseOf(volume) !== 'Released') {
      this.writeStatus(kinds.persistentVolume, volume, { phase: 'Released' });
    }
  }

  private writeStatus(type: ResourceType, object: KubeObject, status: Json) {
    this.context.resources.update(
      type,
      object.metadata.namespace,
      object.metadata.name,
      { ...object, status },
      { subresource: 'status' },
    );
  }

  private record(claim: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string) {
    this.context.events.record(claim, type, reason, message, COMPONENT);
  }
}

const claimKey = (claim: KubeObject): string => `claim:${keyOf(claim)}`;
const volumeKey = (volume: KubeObject): string => `volume:${volume.metadata.name}`;

const refersTo = (ref: Json, claim: KubeObject): boolean =>
  ref.name === claim.metadata.name && ref.namespace === claim.metadata.namespace;

const claimRefOf = (claim: KubeObject): Json => ({
  kind: 'PersistentVolumeClaim',
  namespace: claim.metadata.namespace,
  name: claim.metadata.name,
  uid: claim.metadata.uid,
  apiVersion: 'v1',
  resourceVersion: claim.metadata.resourceVersion,
});
