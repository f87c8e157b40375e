/**
 * One shared document and the connections editing or watching it, speaking the y-websocket
 * protocol: sync step 1 and awareness on join, step 2 in answer to step 1, and every update
 * broadcast to every connection (its sender included) and handed to the writer. The client
 * updates received in one event-loop turn are applied at its end in one transaction, and go out
 * as one message and one log entry: under load that divides Yjs's per-transaction work (encoding
 * the change, running observers), the messages sent and the LMDB writes by the updates per turn.
 *
 * A loaded room builds its Y.Doc from the stored parts lazily. When storage holds a single
 * snapshot (as after an unload or a clean shutdown), a client that arrives with an empty
 * document is answered with the stored bytes themselves, and the document is built once that
 * answer has left: for a large design, building takes longer than sending, and the client has
 * to apply the state anyway. Anything else that needs the document builds it first.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import {
  encodeSyncStep1,
  encodeSyncStep1FromStateVector,
  encodeSyncStep2,
  encodeSyncStep2FromUpdate,
  encodeUpdate,
} from '../../shared/messages.js';
import { CloseCode, MessageType, SyncMessageType } from '../../shared/protocol.js';
import type { HubMetrics } from '../metrics/hubMetrics.js';
import { applyStoredDoc, storedStateVector, type StoredDoc } from '../store/docLog.js';
import type { DocWriter } from '../store/docWriter.js';
import { AwarenessRelay } from './awarenessRelay.js';
import { ProtocolError, type Connection } from './connection.js';
import { Durability } from './durability.js';

/** Transaction origin of changes the hub makes itself (REST edits, later inference). */
export const HUB_ORIGIN = Symbol('weft-hub');
/** Transaction origin of building the document from storage: not an edit, never re-stored. */
export const LOAD_ORIGIN = Symbol('weft-load');
/** Transaction origin of the client updates of one turn, applied together. */
const CLIENT_ORIGIN = Symbol('weft-clients');

/** The stored document could not be applied; the room closed its connections with 4500. */
export class RoomLoadError extends Error {
  constructor(name: string, cause: unknown) {
    super(`room ${name} could not be loaded: ${errorMessage(cause)}`);
    this.name = 'RoomLoadError';
  }
}

export class Room {
  private readonly connections = new Set<Connection>();
  private readonly awareness: AwarenessRelay;
  private readonly durability: Durability | null;
  /** Client updates received this turn, checked but not yet applied. */
  private received: { conn: Connection; update: Uint8Array }[] = [];
  /** Document updates of this turn, to broadcast and store at its end. */
  private pendingUpdates: Uint8Array[] = [];
  private turnEndScheduled = false;
  /** Stored state not yet applied to the document; null once it is built. */
  private storedParts: Uint8Array[] | null;
  /** Step 1 for an unbuilt room, from the stored state vector. */
  private storedStep1: Uint8Array | null = null;
  /** Waiting for the document to be built (see `whenBuilt`). */
  private builtWaiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly ydoc: Y.Doc,
    /** What is on disk; null for rooms that are not persisted. */
    stored: StoredDoc | null,
    /** Null for rooms that are not persisted (live cluster views). */
    readonly writer: DocWriter | null,
    private readonly metrics: HubMetrics,
  ) {
    this.storedParts = stored && stored.parts.length > 0 ? stored.parts : null;
    if (stored && this.storedParts) this.storedStep1 = storedStep1(stored);
    this.awareness = new AwarenessRelay(ydoc, (message) => this.broadcast(message));
    this.durability =
      writer &&
      new Durability(
        ydoc,
        writer,
        (conn, message) => this.sendTo(conn, message),
        () => this.scheduleTurnEnd(),
        () => this.storedParts === null,
      );
    ydoc.on('update', this.onDocUpdate);
  }

  /** The document, built from storage first if it has not been yet (throws RoomLoadError). */
  get doc(): Y.Doc {
    this.build();
    return this.ydoc;
  }

  /**
   * Runs `then` soon after the document is built from storage (at once when it is), never in
   * the middle of handling a message. Work that needs the whole document (inference) waits for
   * this rather than building it early, which would slow the first client of a cold room down.
   */
  whenBuilt(then: () => void): void {
    if (this.storedParts === null) setImmediate(then);
    else this.builtWaiters.push(then);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** The awareness state of every connected client that shares presence, as the client sent it. */
  awarenessStates(): unknown[] {
    return this.awareness.states();
  }

  /**
   * Adds a connection and starts the sync: step 1, known presence, then an acknowledgement.
   * Throws RoomLoadError (after closing every connection) if the stored state is unusable.
   */
  join(conn: Connection): void {
    this.connections.add(conn);
    // Without a stored step 1 (its state vector could not be parsed), building decides.
    this.sendTo(conn, this.storedStep1 ?? encodeSyncStep1(this.doc));
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
    this.received = [];
    this.pendingUpdates = [];
    this.builtWaiters = [];
    this.storedParts = null;
    this.storedStep1 = null;
    this.ydoc.off('update', this.onDocUpdate);
    this.awareness.destroy();
    this.ydoc.destroy();
  }

  /**
   * Applies the stored state, once. If it cannot be applied, nothing is written (the writer is
   * closed), every connection is closed with 4500 and RoomLoadError is thrown.
   */
  private build(): void {
    const parts = this.storedParts;
    if (!parts) return;
    this.storedParts = null;
    try {
      applyStoredDoc(this.ydoc, parts, LOAD_ORIGIN);
    } catch (error) {
      this.builtWaiters = [];
      this.writer?.close();
      this.metrics.roomLoadFailures.inc();
      this.closeAll(CloseCode.roomLoadFailed, 'stored document could not be loaded');
      throw new RoomLoadError(this.name, error);
    }
    this.storedStep1 = null;
    // Acknowledgements requested meanwhile can be sealed now.
    this.scheduleTurnEnd();
    for (const then of this.builtWaiters.splice(0)) setImmediate(then);
  }

  /**
   * Answers a client with an empty document with the stored snapshot as it is, then builds the
   * document once the answer has left. Only for a single stored part: the stock client counts
   * itself synced on step 2, so step 2 must hold everything.
   */
  private sendStoredState(conn: Connection, state: Uint8Array): void {
    this.sendTo(conn, encodeSyncStep2FromUpdate(state), () =>
      setImmediate(() => {
        try {
          this.build();
        } catch {
          // build() already closed the room's connections and counted the failure.
        }
      }),
    );
  }

  private receiveSync(conn: Connection, decoder: decoding.Decoder): void {
    const type = readOrReject(() => decoding.readVarUint(decoder));
    const payload = readOrReject(() => decoding.readVarUint8Array(decoder));
    switch (type) {
      case SyncMessageType.step1:
        if (this.storedParts?.length === 1 && isEmptyStateVector(payload)) {
          return this.sendStoredState(conn, this.storedParts[0]!);
        }
        // Step 2 answers with everything received so far, this turn's updates included.
        this.applyReceived();
        return this.sendTo(
          conn,
          readOrReject(() => encodeSyncStep2(this.doc, payload)),
        );
      case SyncMessageType.step2:
      case SyncMessageType.update:
        // Every client answers sync step 1 with its state, usually empty. An empty one changes
        // nothing, and must not make an unbuilt room build while its stored state is being sent.
        if (isEmptyUpdate(payload)) return this.durability?.request(conn);
        if (conn.readOnly) {
          this.metrics.dropped.inc('read_only');
          return;
        }
        this.metrics.updatesReceived.inc();
        this.receiveUpdate(conn, payload);
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

  /** Checks a client update now and queues it to be applied at the end of the turn. */
  private receiveUpdate(conn: Connection, update: Uint8Array): void {
    // Building now, not at the end of the turn, keeps a load failure with the message.
    this.build();
    // Decoding first rejects malformed updates before any part of them is integrated: Yjs
    // integrates structs before it reads the delete set, so a bad tail could half-apply.
    try {
      Y.decodeUpdate(update);
    } catch (error) {
      throw unappliable(error);
    }
    this.received.push({ conn, update });
    this.scheduleTurnEnd();
  }

  /** Applies the updates received this turn, all in one transaction. */
  private applyReceived(): void {
    if (this.received.length === 0) return;
    const received = this.received;
    this.received = [];
    const rejected: { conn: Connection; error: ProtocolError }[] = [];
    this.ydoc.transact(() => {
      for (const { conn, update } of received) {
        try {
          Y.applyUpdate(this.ydoc, update, CLIENT_ORIGIN);
        } catch (error) {
          rejected.push({ conn, error: unappliable(error) });
        }
      }
    }, CLIENT_ORIGIN);
    for (const { conn, error } of rejected) conn.reject(error);
  }

  /**
   * Applies the updates received since the last call, broadcasts and stores every change since
   * then, and seals acknowledgements. Runs at the end of every turn with updates; unloading
   * calls it so nothing is left behind.
   */
  readonly flushPendingUpdates = (): void => {
    this.turnEndScheduled = false;
    this.applyReceived();
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

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === LOAD_ORIGIN) return;
    this.pendingUpdates.push(update);
    this.scheduleTurnEnd();
  };

  private scheduleTurnEnd(): void {
    if (this.turnEndScheduled) return;
    this.turnEndScheduled = true;
    setImmediate(this.flushPendingUpdates);
  }

  private broadcast(message: Uint8Array): void {
    // One Buffer view for every connection: `ws` wraps any other Uint8Array anew for each send.
    const shared = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
    for (const conn of this.connections) conn.send(shared);
    this.metrics.messagesSent.inc(this.connections.size);
    this.metrics.bytesSent.inc(this.connections.size * message.byteLength);
  }

  private sendTo(conn: Connection, message: Uint8Array, onSent?: () => void): void {
    if (!this.connections.has(conn)) return onSent?.();
    conn.send(message, onSent);
    this.metrics.messagesSent.inc();
    this.metrics.bytesSent.inc(message.byteLength);
  }
}

/** Step 1 from what is stored; null when it cannot be parsed, so that `join` builds instead. */
function storedStep1(stored: StoredDoc): Uint8Array | null {
  try {
    return encodeSyncStep1FromStateVector(storedStateVector(stored));
  } catch {
    return null;
  }
}

/** A state vector of a document with nothing in it: zero clients. */
const isEmptyStateVector = (stateVector: Uint8Array): boolean =>
  stateVector.length === 1 && stateVector[0] === 0;

/** An update with no structs and no deletions: zero clients, then an empty delete set. */
const isEmptyUpdate = (update: Uint8Array): boolean =>
  update.length === 2 && update[0] === 0 && update[1] === 0;

const unappliable = (error: unknown) =>
  new ProtocolError(
    'unappliable_update',
    CloseCode.unappliableUpdate,
    `update could not be applied: ${errorMessage(error)}`,
  );

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
