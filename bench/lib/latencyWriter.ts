/**
 * One writer of the persistence benchmark: a Y.Doc of its own whose `map.set` updates are sent to
 * the hub one per `write`, each timed from its send to the first acknowledgement whose clock for
 * this doc's client id covers it (the clock after the update, as `isCovered` in
 * shared/messages.ts checks). The updates can be made ahead of time (`prepare`), so that at high
 * rates the load generator's core is spent sending and timing, not editing.
 */
import * as Y from 'yjs';
import { openAckSocket, type AckSocket, type DurableClocks } from './ackSocket.js';

/** Keys cycled through: overwriting keeps both the writer's and the hub's document small. */
const KEYS = 16;

export class LatencyWriter {
  /** Send → ack milliseconds of the updates sent while `recording`. */
  readonly latencies: number[] = [];
  /** When the first and the last acknowledgement of a recorded update arrived. */
  firstAckAt = Infinity;
  lastAckAt = -Infinity;
  recording = false;
  private readonly doc = new Y.Doc();
  private readonly map = this.doc.getMap<number>('bench');
  private socket: AckSocket | null = null;
  private made = 0;
  /** Updates made but not sent yet, oldest first, with the doc's clock after each. */
  private readonly unsent: { update: Uint8Array; clock: number }[] = [];
  private nextUnsent = 0;
  // Unacknowledged updates, oldest first: clock after the update, send time, whether recorded.
  private readonly clocks: number[] = [];
  private readonly sentAt: number[] = [];
  private readonly recorded: boolean[] = [];
  private head = 0;

  /** Connects this writer to a design room. */
  async connect(wsUrl: string, designId: string): Promise<void> {
    this.socket = await openAckSocket(wsUrl, designId, this.onAck);
    this.doc.on('update', (update: Uint8Array) => {
      this.unsent.push({ update, clock: Y.getState(this.doc.store, this.doc.clientID) });
    });
  }

  /** Makes `count` more updates now, to be sent by later writes. */
  prepare(count: number): void {
    for (let i = 0; i < count; i++) {
      this.made += 1;
      this.map.set(`k${this.made % KEYS}`, this.made);
    }
  }

  /** Recorded updates not acknowledged yet. */
  get unackedRecorded(): number {
    let count = 0;
    for (let i = this.head; i < this.recorded.length; i++) if (this.recorded[i]) count++;
    return count;
  }

  /** How long the oldest unacknowledged update has waited, in milliseconds (0 if none). */
  oldestWaitMs(now: number): number {
    return this.head < this.sentAt.length ? now - this.sentAt[this.head]! : 0;
  }

  /** Sends the next prepared update, making one first if none is left. */
  write(): void {
    if (this.nextUnsent === this.unsent.length) {
      this.unsent.length = 0;
      this.nextUnsent = 0;
      this.prepare(1);
    }
    const { update, clock } = this.unsent[this.nextUnsent++]!;
    const sentAt = performance.now();
    this.socket!.send(update);
    this.clocks.push(clock);
    this.sentAt.push(sentAt);
    this.recorded.push(this.recording);
  }

  /** Drops the connection without waiting for queued updates to go out. */
  terminate(): void {
    this.doc.destroy();
    this.socket?.terminate();
  }

  private readonly onAck = (durable: DurableClocks) => {
    const clock = durable.get(this.doc.clientID) ?? 0;
    const now = performance.now();
    while (this.head < this.clocks.length && this.clocks[this.head]! <= clock) {
      if (this.recorded[this.head]) {
        this.latencies.push(now - this.sentAt[this.head]!);
        this.firstAckAt = Math.min(this.firstAckAt, now);
        this.lastAckAt = now;
      }
      this.head += 1;
    }
    // Drop the acknowledged prefix now and then, not on every ack.
    if (this.head > 4096) {
      this.clocks.splice(0, this.head);
      this.sentAt.splice(0, this.head);
      this.recorded.splice(0, this.head);
      this.head = 0;
    }
  };
}
