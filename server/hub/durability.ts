/**
 * Durability acknowledgements for one room. At the end of each event-loop turn that wrote (or
 * that a client with `acks=1` sent updates in), the room's state vector is captured; once LMDB
 * reports everything written so far *flushed* to disk (not merely committed), that state vector
 * is sent as a type-100 message to those clients. Anything it covers survives `kill -9`.
 */
import * as Y from 'yjs';
import { encodeAck } from '../../shared/messages.js';
import type { HubMetrics } from '../metrics/hubMetrics.js';
import type { DocWriter } from '../store/docWriter.js';
import type { Connection } from './connection.js';

export class Durability {
  private durableStateVector: Uint8Array;
  private waiting = new Set<Connection>();
  private wrote = false;
  private sealScheduled = false;
  /** Acknowledgements go out in seal order: lmdb-js may resolve flush promises out of order. */
  private acknowledged: Promise<void> = Promise.resolve();

  constructor(
    private readonly doc: Y.Doc,
    private readonly writer: DocWriter,
    private readonly metrics: HubMetrics,
    private readonly send: (conn: Connection, message: Uint8Array) => void,
  ) {
    // Everything present right after loading came from disk.
    this.durableStateVector = Y.encodeStateVector(doc);
  }

  /** The acknowledgement a client gets on joining: what is durable right now. */
  currentAck(): Uint8Array {
    return encodeAck(this.durableStateVector);
  }

  /** The document changed and the change was handed to the writer. */
  noteWrite(): void {
    this.wrote = true;
    this.scheduleSeal();
  }

  /** `conn` sent updates (even ones the room already had): acknowledge it after the next flush. */
  noteSender(conn: Connection): void {
    if (!conn.wantsAcks) return;
    this.waiting.add(conn);
    this.scheduleSeal();
  }

  /** Stops acknowledging a connection that left. */
  forget(conn: Connection): void {
    this.waiting.delete(conn);
  }

  private scheduleSeal(): void {
    if (this.sealScheduled) return;
    this.sealScheduled = true;
    setImmediate(this.seal);
  }

  private readonly seal = () => {
    this.sealScheduled = false;
    const stateVector = Y.encodeStateVector(this.doc);
    const recipients = this.waiting;
    const timed = this.wrote;
    this.waiting = new Set();
    this.wrote = false;
    const started = performance.now();
    const flushed = this.writer.flushed();
    this.acknowledged = this.acknowledged
      .then(() => flushed)
      .then(
        () => {
          if (timed) this.metrics.persistFlushSeconds.observe((performance.now() - started) / 1000);
          this.durableStateVector = stateVector;
          const ack = encodeAck(stateVector);
          for (const conn of recipients) this.send(conn, ack);
        },
        // The writer has already reported the failure; a failed room never acknowledges again.
        () => undefined,
      );
  };
}
