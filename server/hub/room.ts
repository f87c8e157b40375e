/**
 * One shared document and the connections editing or watching it, speaking the y-websocket
 * protocol: sync step 1 and awareness on join, step 2 in answer to step 1, and every update
 * broadcast to every connection (its sender included) and handed to the writer. Updates applied
 * in one event-loop turn go out merged, as one message and one log entry: under load that
 * divides the messages sent and the LMDB writes by the number of updates per turn.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { encodeSyncStep1, encodeSyncStep2, encodeUpdate } from '../../shared/messages.js';
import { CloseCode, MessageType, SyncMessageType } from '../../shared/protocol.js';
import type { HubMetrics } from '../metrics/hubMetrics.js';
import type { DocWriter } from '../store/docWriter.js';
import { AwarenessRelay } from './awarenessRelay.js';
import { ProtocolError, type Connection } from './connection.js';
import { Durability } from './durability.js';

/** Transaction origin of changes the hub makes itself (REST edits, later inference). */
export const HUB_ORIGIN = Symbol('weft-hub');

export class Room {
  private readonly connections = new Set<Connection>();
  private readonly awareness: AwarenessRelay;
  private readonly durability: Durability | null;
  private pendingUpdates: Uint8Array[] = [];
  private turnEndScheduled = false;

  constructor(
    readonly name: string,
    readonly doc: Y.Doc,
    /** Null for rooms that are not persisted (live cluster views). */
    readonly writer: DocWriter | null,
    private readonly metrics: HubMetrics,
  ) {
    this.awareness = new AwarenessRelay(doc, (message) => this.broadcast(message));
    this.durability =
      writer &&
      new Durability(
        doc,
        writer,
        (conn, message) => this.sendTo(conn, message),
        () => this.scheduleTurnEnd(),
      );
    doc.on('update', this.onDocUpdate);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Adds a connection and starts the sync: step 1, known presence, then an acknowledgement. */
  join(conn: Connection): void {
    this.connections.add(conn);
    this.sendTo(conn, encodeSyncStep1(this.doc));
    const presence = this.awareness.snapshot();
    if (presence) this.sendTo(conn, presence);
    this.durability?.request(conn);
  }

  leave(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    this.durability?.forget(conn);
    this.awareness.forget(conn);
  }

  /**
   * Handles one message from `conn`. Throws a ProtocolError for anything malformed; the caller
   * closes that connection, and the room and every other connection carry on.
   */
  receive(conn: Connection, message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    const type = readOrReject(() => decoding.readVarUint(decoder));
    switch (type) {
      case MessageType.sync:
        return this.receiveSync(conn, decoder);
      case MessageType.awareness: {
        const payload = readOrReject(() => decoding.readVarUint8Array(decoder));
        return readOrReject(() => this.awareness.apply(conn, payload));
      }
      default:
        throw new ProtocolError(
          'unknown_type',
          CloseCode.badMessage,
          `unknown message type ${type}`,
        );
    }
  }

  /** Closes every connection (design deleted, hub shutting down). */
  closeAll(code: number, reason: string): void {
    for (const conn of [...this.connections]) {
      this.leave(conn);
      conn.close(code, reason);
    }
  }

  destroy(): void {
    this.pendingUpdates = [];
    this.doc.off('update', this.onDocUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }

  private receiveSync(conn: Connection, decoder: decoding.Decoder): void {
    const type = readOrReject(() => decoding.readVarUint(decoder));
    const payload = readOrReject(() => decoding.readVarUint8Array(decoder));
    switch (type) {
      case SyncMessageType.step1:
        return this.sendTo(
          conn,
          readOrReject(() => encodeSyncStep2(this.doc, payload)),
        );
      case SyncMessageType.step2:
      case SyncMessageType.update:
        if (conn.readOnly) {
          // Every client answers sync step 1 with its state, usually empty: only real changes count.
          if (!isEmptyUpdate(payload)) this.metrics.dropped.inc('read_only');
          return;
        }
        this.metrics.updatesReceived.inc();
        this.applyClientUpdate(conn, payload);
        this.durability?.request(conn);
        return;
      default:
        throw new ProtocolError(
          'unknown_type',
          CloseCode.badMessage,
          `unknown sync message type ${type}`,
        );
    }
  }

  private applyClientUpdate(conn: Connection, update: Uint8Array): void {
    // Decoding first rejects malformed updates before any part of them is integrated: Yjs
    // integrates structs before it reads the delete set, so a bad tail could half-apply.
    try {
      Y.decodeUpdate(update);
      Y.applyUpdate(this.doc, update, conn);
    } catch (error) {
      throw new ProtocolError(
        'unappliable_update',
        CloseCode.unappliableUpdate,
        `update could not be applied: ${errorMessage(error)}`,
      );
    }
  }

  /**
   * Broadcasts and stores the updates applied since the last call, then seals acknowledgements.
   * Runs at the end of every turn with updates; unloading calls it so nothing is left behind.
   */
  readonly flushPendingUpdates = (): void => {
    this.turnEndScheduled = false;
    if (this.pendingUpdates.length > 0) {
      const updates = this.pendingUpdates;
      this.pendingUpdates = [];
      const update = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
      this.metrics.updatesBroadcast.inc();
      this.broadcast(encodeUpdate(update));
      this.writer?.append(update);
    }
    this.durability?.seal();
  };

  private readonly onDocUpdate = (update: Uint8Array) => {
    this.pendingUpdates.push(update);
    this.scheduleTurnEnd();
  };

  private scheduleTurnEnd(): void {
    if (this.turnEndScheduled) return;
    this.turnEndScheduled = true;
    setImmediate(this.flushPendingUpdates);
  }

  private broadcast(message: Uint8Array): void {
    for (const conn of this.connections) conn.send(message);
    this.metrics.messagesSent.inc(this.connections.size);
    this.metrics.bytesSent.inc(this.connections.size * message.byteLength);
  }

  private sendTo(conn: Connection, message: Uint8Array): void {
    if (!this.connections.has(conn)) return;
    conn.send(message);
    this.metrics.messagesSent.inc();
    this.metrics.bytesSent.inc(message.byteLength);
  }
}

/** An update with no structs and no deletions: zero clients, then an empty delete set. */
const isEmptyUpdate = (update: Uint8Array): boolean =>
  update.length === 2 && update[0] === 0 && update[1] === 0;

/** Runs a decoding step, turning lib0's range errors into a protocol error. */
function readOrReject<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new ProtocolError(
      'malformed',
      CloseCode.badMessage,
      `malformed message: ${errorMessage(error)}`,
    );
  }
}

const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
