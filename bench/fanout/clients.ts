/**
 * Raw WebSocket clients for the fan-out benchmark, cheap enough to run 500 in one process:
 * observers read only the struct clocks of each update frame, and the writer sends the
 * y-protocols update frames of a real Y.Doc. Both complete the sync handshake as the stock
 * client does.
 */
import * as decoding from 'lib0/decoding';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { encodeSyncStep1, encodeSyncStep2, encodeUpdate } from '../../shared/messages.js';
import { MessageType, SyncMessageType } from '../../shared/protocol.js';
import type { DeliveryLog } from './deliveryLog.js';

const JOIN_TIMEOUT_MS = 10_000;

/** Observers never edit, so they all answer the server's step 1 from the same empty document. */
const EMPTY_DOC = new Y.Doc();

/** Message type and sync sub-type are varUints below 128 here, so one byte each. */
const isSync = (data: Buffer, type: SyncMessageType): boolean =>
  data[0] === MessageType.sync && data[1] === type;

interface Peer {
  roomUrl: string;
  /** Whether the server starts a sync (everything but the floor). */
  speaksSync: boolean;
}

/**
 * How many of the writer's edits an update frame brings the receiver up to. Each edit is one
 * struct of the only client that edits, so edit k ends at clock k + 1. A server may merge edits
 * that arrived together into one frame (Weft does, per event-loop turn), so frames are not
 * counted: their clocks are.
 */
function editsCoveredBy(frame: Buffer): number {
  const decoder = decoding.createDecoder(frame);
  decoding.readVarUint(decoder);
  decoding.readVarUint(decoder);
  let end = 0;
  for (const clock of Y.parseUpdateMeta(decoding.readVarUint8Array(decoder)).to.values()) {
    end = Math.max(end, clock);
  }
  return end;
}

/**
 * Opens a socket and resolves once it is in the room: when the server's step 1 arrives, or for
 * the floor, which sends nothing of its own, once open. `onUpdate` sees every update frame.
 */
function join(
  peer: Peer,
  doc: Y.Doc,
  onUpdate: (at: number, frame: Buffer) => void,
): Promise<WebSocket> {
  const socket = new WebSocket(peer.roomUrl, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('timed out joining')), JOIN_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.terminate();
      reject(error);
    };
    const joined = () => {
      clearTimeout(timer);
      resolve(socket);
    };
    socket.on('error', fail);
    socket.once('close', (code) => fail(new Error(`closed with ${code} while joining`)));
    socket.once('open', () => {
      if (!peer.speaksSync) return joined();
      socket.send(encodeSyncStep1(doc));
    });
    socket.on('message', (data: Buffer) => {
      const at = performance.now();
      if (isSync(data, SyncMessageType.update)) return onUpdate(at, data);
      if (isSync(data, SyncMessageType.step1)) {
        socket.send(encodeSyncStep2(doc));
        joined();
      }
    });
  });
}

export class Observer {
  /** The writer's edits received so far. */
  received = 0;
  /** Set when the server closes this observer before the benchmark does. */
  lost = false;
  private socket: WebSocket | undefined;

  static async connect(peer: Peer, log: DeliveryLog): Promise<Observer> {
    const observer = new Observer();
    const socket = await join(peer, EMPTY_DOC, (at, frame) => {
      const covered = editsCoveredBy(frame);
      while (observer.received < covered) log.delivered(observer.received++, at);
    });
    socket.on('close', () => (observer.lost = true));
    observer.socket = socket;
    return observer;
  }

  close(): void {
    this.socket?.removeAllListeners('close');
    this.socket?.terminate();
  }
}

export class Writer {
  private readonly map: Y.Map<number>;
  private sent = 0;

  private constructor(
    private readonly socket: WebSocket,
    doc: Y.Doc,
    log: DeliveryLog,
  ) {
    this.map = doc.getMap('bench');
    doc.on('update', (update: Uint8Array) => {
      const frame = encodeUpdate(update);
      log.sent(this.sent++, performance.now());
      socket.send(frame);
    });
  }

  static async connect(peer: Peer, log: DeliveryLog): Promise<Writer> {
    const doc = new Y.Doc();
    // The writer's own updates come back to it too; it has nothing to learn from them.
    const socket = await join(peer, doc, () => undefined);
    return new Writer(socket, doc, log);
  }

  /** Makes `count` small edits, `perSecond` of them a second, on a schedule that does not drift. */
  async edit(count: number, perSecond: number): Promise<void> {
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const wait = start + (i * 1000) / perSecond - performance.now();
      if (wait > 0) await sleep(wait);
      this.map.set('k', this.sent);
    }
  }

  close(): void {
    this.socket.terminate();
  }
}
