/**
 * Notices changes to a design's objects on one cluster through that cluster's live view: it
 * holds the `clusters/<id>` room, which keeps the view's watches running (shared with everyone
 * viewing the cluster, and with other designs), and listens to the objects those watches
 * report. Only the design's objects count (by its label, or by kind, namespace and name when
 * the label was edited away), and only changes beyond their status: a rollout's stream of
 * status updates is not a reason to check.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { DESIGN_LABEL, objectIdentity } from '../../shared/deploy/deployment.js';
import { clusterRoom } from '../../shared/rooms.js';
import type { ObjectChange } from '../clusters/clusterView.js';
import type { ClusterViews } from '../clusters/clusterViews.js';
import type { Room } from '../hub/room.js';
import type { RoomRegistry } from '../hub/roomRegistry.js';
import type { DeployedObject } from './deployedObjects.js';

export class DeployedObjectWatch {
  private readonly room: Promise<Room>;
  private readonly unsubscribe: () => void;
  /** `kind\0namespace\0name` of each object. */
  private readonly identities: Set<string>;
  /** What each object looked like apart from its status, by uid. */
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly rooms: RoomRegistry,
    clusterViews: ClusterViews,
    connection: string,
    private readonly designId: string,
    objects: readonly DeployedObject[],
    /** Called for each change that may be drift (often several for one edit: debounce). */
    private readonly onChange: () => void,
  ) {
    this.identities = new Set(objects.map(objectIdentity));
    this.room = rooms.acquire({ name: clusterRoom(connection), persistent: false });
    this.room.catch(() => undefined);
    this.unsubscribe = clusterViews.subscribe(connection, this.changed);
  }

  stop(): void {
    this.unsubscribe();
    void this.room.then(
      (room) => this.rooms.release(room),
      () => undefined,
    );
  }

  private readonly changed = ({ kind, object, deleted }: ObjectChange): void => {
    const metadata = object.metadata ?? {};
    const ours =
      metadata.labels?.[DESIGN_LABEL] === this.designId ||
      this.identities.has(
        objectIdentity({
          kind: kind.kind,
          namespace: metadata.namespace,
          name: metadata.name ?? '',
        }),
      );
    if (!ours) return;
    const uid = metadata.uid ?? '';
    if (deleted) {
      this.seen.delete(uid);
    } else {
      const print = fingerprint(object);
      if (this.seen.get(uid) === print) return;
      this.seen.set(uid, print);
    }
    this.onChange();
  };
}

/** An object apart from its status and bookkeeping: where drift could be. */
function fingerprint(object: KubernetesObject & { status?: unknown }): string {
  const { status: _status, metadata, ...rest } = object;
  return JSON.stringify([metadata?.labels, metadata?.annotations, rest]);
}
