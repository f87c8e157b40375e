/**
 * Deletes what nobody owns any more, by `ownerReferences`, as kube-controller-manager's garbage
 * collector does:
 * - an owner deleted outright (`Background`, the default) takes its dependents with it, after;
 * - an owner held by `foregroundDeletion` first sees its dependents deleted, then goes;
 * - an owner held by `orphan` first has its reference removed from its dependents, then goes.
 */
import type { KubeObject } from '../kubeObject.js';
import type { StoredEvent } from '../objectStore.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../resourceService.js';
import type { ResourceCatalog } from '../resourceCatalog.js';
import { groupResourceOf, type ResourceType } from '../resourceTypes.js';
import type { ControllerContext } from './controllerContext.js';
import { QueuedController } from './queuedController.js';

interface Dependent {
  type: ResourceType;
  namespace: string;
  name: string;
}

export class GarbageCollector extends QueuedController {
  /** Owner uid → dependents, kept current from the event feed. */
  private readonly dependents = new Map<string, Map<string, Dependent>>();
  /** Owners (by uid) that are gone or held for deletion, with how they are being deleted. */
  private readonly owners = new Map<string, { type: ResourceType; object?: KubeObject }>();

  constructor(
    context: ControllerContext,
    private readonly catalog: ResourceCatalog,
  ) {
    super(context, 'garbage collector');
  }

  /** Builds the dependents index; the keys are owner uids. */
  protected initialKeys(): string[] {
    const keys: string[] = [];
    for (const type of this.catalog.all()) {
      for (const object of this.context.store.list(groupResourceOf(type))) {
        this.index(type, object, true);
        keys.push(...this.noteOwner(type, object, false));
      }
    }
    return keys;
  }

  protected keysFor(event: StoredEvent): string[] {
    const type = this.typeOf(event.resource);
    if (!type) return [];
    return [
      ...(event.previous ? this.index(type, event.previous, false) : []),
      ...this.index(type, event.object, event.type !== 'DELETED'),
      ...this.noteOwner(type, event.object, event.type === 'DELETED'),
    ];
  }

  private typeOf(resource: string): ResourceType | undefined {
    return this.catalog.all().find((type) => groupResourceOf(type) === resource);
  }

  /** Adds or removes `object` as a dependent; returns the waiting owners that should look again. */
  private index(type: ResourceType, object: KubeObject, present: boolean): string[] {
    const waiting: string[] = [];
    const key = `${groupResourceOf(type)}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    for (const reference of object.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(reference.uid);
      if (present) {
        if (!set) this.dependents.set(reference.uid, (set = new Map()));
        set.set(key, {
          type,
          namespace: object.metadata.namespace ?? '',
          name: object.metadata.name,
        });
      } else {
        set?.delete(key);
        if (set?.size === 0) this.dependents.delete(reference.uid);
        if (this.owners.has(reference.uid)) waiting.push(reference.uid);
      }
    }
    return waiting;
  }

  /** Notes an owner deleted or held for deletion; returns its uid to collect, if so. */
  private noteOwner(type: ResourceType, object: KubeObject, deleted: boolean): string[] {
    const uid = object.metadata.uid!;
    const finalizers = object.metadata.finalizers ?? [];
    const held = finalizers.includes(FOREGROUND_FINALIZER) || finalizers.includes(ORPHAN_FINALIZER);
    if (deleted) this.owners.set(uid, { type });
    else if (held && object.metadata.deletionTimestamp) this.owners.set(uid, { type, object });
    else return [];
    return [uid];
  }

  protected sync(uid: string): void {
    const owner = this.owners.get(uid);
    if (!owner) return;
    const { resources } = this.context;
    const dependents = [...(this.dependents.get(uid)?.values() ?? [])];
    const finalizers = owner.object?.metadata.finalizers ?? [];
    if (owner.object && finalizers.includes(ORPHAN_FINALIZER)) {
      for (const { type, namespace, name } of dependents) {
        const dependent = resources.find(type, namespace, name);
        if (!dependent) continue;
        const references = dependent.metadata.ownerReferences?.filter((ref) => ref.uid !== uid);
        resources.update(type, namespace || undefined, name, {
          ...dependent,
          metadata: { ...dependent.metadata, ownerReferences: references },
        });
      }
      this.release(owner.type, owner.object, ORPHAN_FINALIZER);
      return;
    }
    const policy = owner.object ? 'Foreground' : 'Background';
    for (const { type, namespace, name } of dependents) {
      if (resources.find(type, namespace, name)?.metadata.deletionTimestamp) continue;
      if (!resources.find(type, namespace, name)) continue;
      resources.delete(type, namespace || undefined, name, { propagationPolicy: policy });
    }
    if (!owner.object) {
      this.owners.delete(uid);
    } else if (!this.dependents.get(uid)?.size) {
      this.release(owner.type, owner.object, FOREGROUND_FINALIZER);
    }
    // A foreground owner is looked at again as its dependents go (their events re-queue it).
  }

  /** Removes one finalizer from a held owner, completing its deletion if none remain. */
  private release(type: ResourceType, owner: KubeObject, finalizer: string): void {
    const { resources } = this.context;
    const namespace = owner.metadata.namespace;
    const current = resources.find(type, namespace ?? '', owner.metadata.name);
    this.owners.delete(owner.metadata.uid!);
    if (!current || current.metadata.uid !== owner.metadata.uid) return;
    resources.update(type, namespace, owner.metadata.name, {
      ...current,
      metadata: {
        ...current.metadata,
        finalizers: current.metadata.finalizers?.filter((name) => name !== finalizer),
      },
    });
  }
}
