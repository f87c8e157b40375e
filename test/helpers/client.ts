/**
 * Clients for tests: the stock y-websocket provider (exactly what browsers use), and a raw
 * WebSocket for sending frames no well-behaved client would send.
 */
import * as decoding from 'lib0/decoding';
import { onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { isSaved, readAckPayload } from '../../shared/messages.js';
import { ACKS_PARAM, MessageType, READONLY_PARAM } from '../../shared/protocol.js';
import { waitFor } from './wait.js';

export interface CloseEvent {
  code: number;
  reason: string;
}

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Every close the server sent this client, oldest first. */
  closes: CloseEvent[];
  /** The latest type-100 state vector received (only with `acks`). */
  lastAck(): Uint8Array | undefined;
  /** Every type-100 state vector received, oldest first. */
  acks: Uint8Array[];
  synced(timeoutMs?: number): Promise<void>;
  /** Waits until an acknowledgement covers every edit this client made. */
  saved(timeoutMs?: number): Promise<void>;
  destroy(): void;
}

export interface ClientOptions {
  acks?: boolean;
  /** Connect with `?readonly=1`, as a viewer. */
  readOnly?: boolean;
  doc?: Y.Doc;
}

/** Opens a stock y-websocket provider; it is destroyed when the test finishes. */
export function connectClient(
  wsUrl: string,
  room: string,
  options: ClientOptions = {},
): TestClient {
  const doc = options.doc ?? new Y.Doc();
  const params: Record<string, string> = {};
  if (options.acks) params[ACKS_PARAM] = '1';
  if (options.readOnly) params[READONLY_PARAM] = '1';
  const provider = new WebsocketProvider(wsUrl, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params,
    disableBc: true,
  });
  const closes: CloseEvent[] = [];
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  const acks: Uint8Array[] = [];
  provider.messageHandlers[MessageType.ack] = (_encoder, decoder) => {
    acks.push(readAckPayload(decoder));
  };
  const lastAck = () => acks[acks.length - 1];
  const destroy = () => {
    provider.destroy();
  };
  onTestFinished(destroy);
  return {
    doc,
    provider,
    closes,
    lastAck,
    acks,
    synced: (timeoutMs?: number) =>
      waitFor(() => provider.synced, { what: `${room} to sync`, timeoutMs }).then(() => undefined),
    saved: (timeoutMs?: number) =>
      waitFor(() => acks.length > 0 && isSaved(doc, lastAck()!), {
        what: `${room} to be acknowledged`,
        timeoutMs,
      }).then(() => undefined),
    destroy,
  };
}

export interface RawSocket {
  socket: WebSocket;
  /** Every binary message received, in order. */
  messages: Uint8Array[];
  opened: Promise<void>;
  closed: Promise<CloseEvent>;
  send(bytes: Uint8Array | string): void;
}

/** A bare WebSocket to `wsUrl/room`, for malformed frames and wire-level assertions. */
export function rawSocket(wsUrl: string, room: string, query = ''): RawSocket {
  const socket = new WebSocket(`${wsUrl}/${room}${query}`);
  const messages: Uint8Array[] = [];
  socket.on('message', (data: Buffer) => messages.push(new Uint8Array(data)));
  socket.on('error', () => undefined);
  const opened = new Promise<void>((resolve) => socket.once('open', () => resolve()));
  const closed = new Promise<CloseEvent>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  onTestFinished(() => socket.terminate());
  return { socket, messages, opened, closed, send: (bytes) => socket.send(bytes) };
}

/** The top-level message type of a received frame. */
export const messageTypeOf = (message: Uint8Array): number =>
  decoding.readVarUint(decoding.createDecoder(message));
