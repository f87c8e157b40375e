/**
 * Empties a terminating namespace: deletes everything in it, and once nothing is left clears
 * the namespace's `spec.finalizers`, which completes its deletion.
 */
import type { StoredEvent } from '../objectStore.js';
import type { ResourceCatalog } from '../resourceCatalog.js';
import { groupResourceOf } from '../resourceTypes.js';
import { isAbout, type ControllerContext } from './controllerContext.js';
import { QueuedController } from './queuedController.js';

export class NamespaceController extends QueuedController {
  constructor(
    context: ControllerContext,
    private readonly catalog: ResourceCatalog,
  ) {
    super(context, 'namespace');
  }

  protected initialKeys(): string[] {
    const namespaces = this.context.store.list(groupResourceOf(this.context.kinds.namespace));
    return namespaces
      .filter((namespace) => namespace.metadata.deletionTimestamp)
      .map((namespace) => namespace.metadata.name);
  }

  protected keysFor(event: StoredEvent): string[] {
    const { object } = event;
    if (isAbout(event, this.context.kinds.namespace)) {
      return event.type !== 'DELETED' && object.metadata.deletionTimestamp
        ? [object.metadata.name]
        : [];
    }
    return event.type === 'DELETED' && object.metadata.namespace ? [object.metadata.namespace] : [];
  }

  protected sync(name: string): void {
    const { resources, store, kinds } = this.context;
    const namespace = resources.find(kinds.namespace, '', name);
    if (!namespace?.metadata.deletionTimestamp) return;
    let remaining = 0;
    for (const [resource, object] of [...store.inNamespace(name)]) {
      remaining += 1;
      if (object.metadata.deletionTimestamp) continue;
      const type = this.catalog.findGroupResource(resource);
      if (type) resources.delete(type, name, object.metadata.name);
    }
    if (remaining > 0) return; // their DELETED events bring the namespace back here
    resources.update(kinds.namespace, undefined, name, {
      ...namespace,
      spec: { ...(namespace.spec as object), finalizers: [] },
    });
  }
}
