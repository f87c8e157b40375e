/**
 * Which objects name which owners in their `ownerReferences`, kept current from the store's
 * event feed. Controllers ask it for what an owner controls and the garbage collector for what
 * an owner leaves behind, instead of scanning every pod of a namespace on each sync (which made
 * a 3,000-replica Deployment cost seconds of the sandbox's only thread).
 */
import type { KubeObject } from '../kubeObject.js';
import type { ObjectStore, StoredEvent } from '../objectStore.js';
import { groupResourceOf, type ResourceType } from '../resourceTypes.js';

export interface Dependent {
  /** Group resource, e.g. `pods` or `replicasets.apps`. */
  resource: string;
  namespace: string;
  name: string;
}

export class OwnerIndex {
  /** Owner uid → `resource/namespace/name` → dependent. */
  private readonly dependents = new Map<string, Map<string, Dependent>>();
  private readonly unsubscribe: () => void;

  constructor(private readonly store: ObjectStore) {
    for (const [resource, object] of store.all()) this.index(resource, object, true);
    this.unsubscribe = store.subscribe((event) => this.observe(event));
  }

  stop(): void {
    this.unsubscribe();
  }

  /** Everything that names `uid` as an owner. */
  dependentsOf(uid: string): Dependent[] {
    return [...(this.dependents.get(uid)?.values() ?? [])];
  }

  /** The objects of `type` whose controlling owner is `owner`, ordered by name. */
  controlledBy(owner: KubeObject, type: ResourceType): KubeObject[] {
    const resource = groupResourceOf(type);
    const uid = owner.metadata.uid;
    const found: KubeObject[] = [];
    for (const dependent of this.dependents.get(uid ?? '')?.values() ?? []) {
      if (dependent.resource !== resource) continue;
      const object = this.store.get(resource, dependent.namespace, dependent.name);
      const controller = object?.metadata.ownerReferences?.find(
        (reference) => reference.controller,
      );
      if (object && controller?.uid === uid) found.push(object);
    }
    return found.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  }

  private observe(event: StoredEvent): void {
    if (event.previous) this.index(event.resource, event.previous, false);
    this.index(event.resource, event.object, event.type !== 'DELETED');
  }

  private index(resource: string, object: KubeObject, present: boolean): void {
    const namespace = object.metadata.namespace ?? '';
    const key = `${resource}/${namespace}/${object.metadata.name}`;
    for (const reference of object.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(reference.uid);
      if (present) {
        if (!set) this.dependents.set(reference.uid, (set = new Map()));
        set.set(key, { resource, namespace, name: object.metadata.name });
      } else if (set) {
        set.delete(key);
        if (set.size === 0) this.dependents.delete(reference.uid);
      }
    }
  }
}
