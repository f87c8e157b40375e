/**
 * Presence (cursors, names, selections) for one room. Awareness is relayed, never persisted.
 * Changes are coalesced per event-loop turn: ten cursor moves arriving together go out as one
 * message to each connection, not ten.
 */
import { Awareness, applyAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { encodeAwareness } from '../../shared/messages.js';
import type { Connection } from './connection.js';

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

export class AwarenessRelay {
  private readonly awareness: Awareness;
  /** Awareness client ids each connection has announced, removed when it drops. */
  private readonly owned = new Map<Connection, Set<number>>();
  private readonly changed = new Set<number>();
  private flushScheduled = false;

  constructor(
    doc: Y.Doc,
    private readonly broadcast: (message: Uint8Array) => void,
  ) {
    this.awareness = new Awareness(doc);
    // The hub itself has no presence.
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onUpdate);
  }

  /** Applies an awareness update from `conn`; throws on a malformed payload. */
  apply(conn: Connection, payload: Uint8Array): void {
    applyAwarenessUpdate(this.awareness, payload, conn);
  }

  /** Every known state, for a newly joined connection; null when nobody is present. */
  snapshot(): Uint8Array | null {
    const clients = [...this.awareness.getStates().keys()];
    return clients.length === 0 ? null : encodeAwareness(this.awareness, clients);
  }

  /** The state of every client sharing presence, oldest first; the hub itself has none. */
  states(): unknown[] {
    return [...this.awareness.getStates().values()];
  }

  /** Removes the presence of a connection that left, telling everyone else. */
  forget(conn: Connection): void {
    const clients = this.owned.get(conn);
    this.owned.delete(conn);
    if (clients && clients.size > 0) removeAwarenessStates(this.awareness, [...clients], null);
  }

  destroy(): void {
    this.awareness.off('update', this.onUpdate);
    this.awareness.destroy();
  }

  private readonly onUpdate = ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
    if (origin !== null && typeof origin === 'object') {
      const conn = origin as Connection;
      let clients = this.owned.get(conn);
      if (!clients) this.owned.set(conn, (clients = new Set()));
      for (const client of added) clients.add(client);
      for (const client of removed) clients.delete(client);
    }
    for (const client of added) this.changed.add(client);
    for (const client of updated) this.changed.add(client);
    for (const client of removed) this.changed.add(client);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  };

  private readonly flush = () => {
    this.flushScheduled = false;
    if (this.changed.size === 0) return;
    const message = encodeAwareness(this.awareness, [...this.changed]);
    this.changed.clear();
    this.broadcast(message);
  };
}
