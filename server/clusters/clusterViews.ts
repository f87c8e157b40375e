/**
 * Live cluster views for the room registry: a `clusters/<connectionId>` room gets one
 * ClusterView when its first viewer loads it, and loses it when the room is unloaded (the
 * registry's grace period after the last viewer left). However many watch, one set of watches
 * runs per cluster.
 *
 * Hub code that follows a cluster's objects (drift) subscribes here and holds the cluster room
 * while it does, so that it shares those watches rather than opening its own.
 */
import { parseRoomName } from '../../shared/rooms.js';
import type { ConnectionRegistry } from '../connections/connectionRegistry.js';
import type { Room } from '../hub/room.js';
import { ClusterView, type ObjectChange } from './clusterView.js';

export type ObjectListener = (change: ObjectChange) => void;

export class ClusterViews {
  private watches = 0;
  private readonly listeners = new Map<string, Set<ObjectListener>>();

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
      (change) => {
        for (const listener of this.listeners.get(name.connectionId) ?? []) listener(change);
      },
    );
    view.start();
    return () => view.stop();
  };

  /**
   * Tells `listener` of every object change the view of a connection sees while it runs (hold
   * its cluster room to keep it running); returns how to stop.
   */
  subscribe(connectionId: string, listener: ObjectListener): () => void {
    let listeners = this.listeners.get(connectionId);
    if (!listeners) this.listeners.set(connectionId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.listeners.get(connectionId) === listeners) {
        this.listeners.delete(connectionId);
      }
    };
  }
}
