/**
 * A bare WebSocket to a design room with `?acks=1`: sends Yjs updates as y-protocols sync
 * updates and reports each type-100 acknowledgement. Everything else the hub sends (sync step 1,
 * the echo of every update in the room) is ignored unread, so the load generator stays cheap.
 */
import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { encodeUpdate, readAckPayload } from '../../shared/messages.js';
import { ACKS_PARAM, MessageType } from '../../shared/protocol.js';

/** Client id → clock durable on disk. */
export type DurableClocks = Map<number, number>;

export interface AckSocket {
  send(update: Uint8Array): void;
  /** Closes after everything queued is sent. */
  close(): Promise<void>;
  /** Drops the connection at once, discarding anything not yet sent. */
  terminate(): void;
}

/** Opens `wsUrl/designs/<designId>?acks=1`; resolves once the socket is open. */
export async function openAckSocket(
  wsUrl: string,
  designId: string,
  onAck: (durable: DurableClocks) => void,
): Promise<AckSocket> {
  const socket = new WebSocket(`${wsUrl}/designs/${designId}?${ACKS_PARAM}=1`, {
    perMessageDeflate: false,
  });
  socket.on('message', (data: Buffer) => {
    // Ack frames start with the single byte 100; updates and sync messages start with 0.
    if (data[0] !== MessageType.ack) return;
    const decoder = decoding.createDecoder(data);
    decoding.readVarUint(decoder);
    onAck(Y.decodeStateVector(readAckPayload(decoder)));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    send: (update) => socket.send(encodeUpdate(update)),
    close: () => {
      socket.close();
      return closed;
    },
    terminate: () => socket.terminate(),
  };
}
