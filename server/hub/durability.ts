/**
 * Durability acknowledgements for one room. At the end of each event-loop turn in which a
 * client with `acks=1` joined or sent updates, after the room handed that turn's updates to the
 * writer, the room's state vector is captured (`seal`); once LMDB
 * reports everything written so far *flushed* to disk (not merely committed), that state vector
 * is sent to those clients as a type-100 message. Anything it covers survives `kill -9`.
 * Turns in which nobody asked for an acknowledgement cost nothing here.
 */
import * as Y from 'yjs';
import { encodeAck } from '../../shared/messages.js';
import type { DocWriter } from '../store/docWriter.js';
import type { Connection } from './connection.js';

export class Durability {
  private waiting = new Set<Connection>();
  /** Acknowledgements go out in seal order: lmdb-js may resolve flush promises out of order. */
  private acknowledged: Promise<void> = Promise.resolve();

  constructor(
    private readonly doc: Y.Doc,
    private readonly writer: DocWriter,
    private readonly send: (conn: Connection, message: Uint8Array) => void,
    /** Asks the room to call `seal` at the end of this turn. */
    private readonly scheduleSeal: () => void,
    /** False while the room's document is not built yet: nothing to capture until it is. */
    private readonly ready: () => boolean,
  ) {}

  /**
   * Acknowledges `conn` after the next flush, if it asked for acknowledgements: called when it
   * joins and whenever it sends updates (even ones the room already had, as after a reconnect).
   */
  request(conn: Connection): void {
    if (!conn.wantsAcks) return;
    this.waiting.add(conn);
    this.scheduleSeal();
  }

  /** Stops acknowledging a connection that left. */
  forget(conn: Connection): void {
    this.waiting.delete(conn);
  }

  /** Captures what the room holds now; call only after the turn's updates reached the writer. */
  seal(): void {
    if (this.waiting.size === 0 || !this.ready()) return;
    const stateVector = Y.encodeStateVector(this.doc);
    const recipients = this.waiting;
    this.waiting = new Set();
    const flushed = this.writer.flushed();
    this.acknowledged = this.acknowledged
      .then(() => flushed)
      .then(
        () => {
          const ack = encodeAck(stateVector);
          for (const conn of recipients) this.send(conn, ack);
        },
        // The writer has already reported the failure; a failed room never acknowledges again.
        () => undefined,
      );
  }
}
