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

export class GarbageCollector extends QueuedController {
  /** Owners (by uid) that are gone or held for deletion, with how they are being deleted. */
  private readonly owners = new Map<string, { type: ResourceType; object?: KubeObject }>();

  constructor(
    context: ControllerContext,
    private readonly catalog: ResourceCatalog,
  ) {
    super(context, 'garbage collector');
  }

  /** Owners held for deletion when the sandbox starts; the keys are owner uids. */
  protected initialKeys(): string[] {
    return this.catalog
      .all()
      .flatMap((type) =>
        this.context.store
          .list(groupResourceOf(type))
          .flatMap((object) => this.noteOwner(type, object, false)),
      );
  }

  protected keysFor(event: StoredEvent): string[] {
    const type = this.typeOf(event.resource);
    if (!type) return [];
    // An owner waiting for its dependents to go looks again whenever one of them changes.
    const waiting = [
      ...(event.previous?.metadata.ownerReferences ?? []),
      ...(event.object.metadata.ownerReferences ?? []),
    ]
      .map((reference) => reference.uid)
      .filter((uid) => this.owners.has(uid));
    return [...waiting, ...this.noteOwner(type, event.object, event.type === 'DELETED')];
  }

  private typeOf(resource: string): ResourceType | undefined {
    return this.catalog.findGroupResource(resource);
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
    const dependents = this.context.owners
      .dependentsOf(uid)
      .flatMap(({ resource, namespace, name }) => {
        const type = this.typeOf(resource);
        return type ? [{ type, namespace, name }] : [];
      });
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
    } else if (this.context.owners.dependentsOf(uid).length === 0) {
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
