/**
 * Gives every active namespace its `default` ServiceAccount, which pods use unless they name
 * another — as every Kubernetes cluster does.
 */
import type { StoredEvent } from '../objectStore.js';
import { groupResourceOf } from '../resourceTypes.js';
import { isAbout, type ControllerContext } from './controllerContext.js';
import { QueuedController } from './queuedController.js';

export class ServiceAccountController extends QueuedController {
  constructor(context: ControllerContext) {
    super(context, 'serviceaccount');
  }

  protected initialKeys(): string[] {
    const { store, kinds } = this.context;
    return store.list(groupResourceOf(kinds.namespace)).map((namespace) => namespace.metadata.name);
  }

  protected keysFor(event: StoredEvent): string[] {
    const { kinds } = this.context;
    if (isAbout(event, kinds.namespace) && event.type !== 'DELETED')
      return [event.object.metadata.name];
    if (isAbout(event, kinds.serviceAccount) && event.type === 'DELETED') {
      return [event.object.metadata.namespace!];
    }
    return [];
  }

  protected sync(namespace: string): void {
    const { resources, kinds } = this.context;
    const found = resources.find(kinds.namespace, '', namespace);
    if (!found || found.metadata.deletionTimestamp) return;
    if (resources.find(kinds.serviceAccount, namespace, 'default')) return;
    resources.create(kinds.serviceAccount, namespace, { metadata: { name: 'default' } });
  }
}
