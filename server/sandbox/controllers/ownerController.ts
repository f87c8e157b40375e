/**
 * A controller of one kind whose objects own objects of another (Deployments own ReplicaSets,
 * ReplicaSets own pods, …): it syncs an owner when the owner changes or when anything it
 * controls does. Keys are the owner's `namespace/name`.
 */
import type { StoredEvent } from '../objectStore.js';
import { groupResourceOf, type ResourceType } from '../resourceTypes.js';
import { controllerOf, isAbout, keyOf, type ControllerContext } from './controllerContext.js';
import { QueuedController } from './queuedController.js';

export abstract class OwnerController extends QueuedController {
  constructor(
    context: ControllerContext,
    name: string,
    protected readonly owner: ResourceType,
    private readonly owned: ResourceType,
  ) {
    super(context, name);
  }

  protected initialKeys(): string[] {
    return this.ownerKeys();
  }

  protected keysFor(event: StoredEvent): string[] {
    // A deleted owner needs nothing more: the garbage collector takes what it owned.
    if (isAbout(event, this.owner)) return event.type === 'DELETED' ? [] : [keyOf(event.object)];
    if (!isAbout(event, this.owned)) return [];
    const reference = controllerOf(event.object);
    return reference?.kind === this.owner.kind
      ? [`${event.object.metadata.namespace}/${reference.name}`]
      : [];
  }

  /** The keys of every owner, for events that can matter to all of them. */
  protected ownerKeys(): string[] {
    return this.context.store.list(groupResourceOf(this.owner)).map(keyOf);
  }
}
