/**
 * Live cluster views for the room registry: a `clusters/<connectionId>` room gets one
 * ClusterView when its first viewer loads it, and loses it when the room is unloaded (the
 * registry's grace period after the last viewer left). However many watch, one set of watches
 * runs per cluster.
 */
import { parseRoomName } from '../../shared/rooms.js';
import type { ConnectionRegistry } from '../connections/connectionRegistry.js';
import type { Room } from '../hub/room.js';
import { ClusterView } from './clusterView.js';

export class ClusterViews {
  private watches = 0;

  constructor(private readonly connections: ConnectionRegistry) {}

  /** Watches running now, over every cluster (for `/metrics`). */
  get watchCount(): number {
    return this.watches;
  }

  /** Starts the view of a cluster room; returns how to stop it. Other rooms: undefined. */
  readonly attach = (room: Room): (() => void) | undefined => {
    const name = parseRoomName(room.name);
    if (name?.kind !== 'cluster' || !this.connections.has(name.connectionId)) return undefined;
    const view = new ClusterView(
      this.connections.kubeConfig(name.connectionId),
      room.doc,
      (delta) => (this.watches += delta),
    );
    view.start();
    return () => view.stop();
  };
}
