/**
 * Encoders and decoders for the hub's WebSocket messages. Each message is one WebSocket frame:
 * stock y-websocket v3 clients decode only the first message of a frame.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { MessageType, SyncMessageType } from './protocol.js';

function message(type: MessageType, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

function syncMessage(type: SyncMessageType, payload: Uint8Array): Uint8Array {
  return message(MessageType.sync, (encoder) => {
    encoding.writeVarUint(encoder, type);
    encoding.writeVarUint8Array(encoder, payload);
  });
}

/** Sync step 1: "here is my state vector, send me what I lack". */
export const encodeSyncStep1 = (doc: Y.Doc): Uint8Array =>
  encodeSyncStep1FromStateVector(Y.encodeStateVector(doc));

export const encodeSyncStep1FromStateVector = (stateVector: Uint8Array): Uint8Array =>
  syncMessage(SyncMessageType.step1, stateVector);

/** Sync step 2: everything `doc` has that a peer with `stateVector` lacks. */
export const encodeSyncStep2 = (doc: Y.Doc, stateVector?: Uint8Array): Uint8Array =>
  encodeSyncStep2FromUpdate(Y.encodeStateAsUpdate(doc, stateVector));

/** Sync step 2 carrying an update as it is, e.g. a document's stored state. */
export const encodeSyncStep2FromUpdate = (update: Uint8Array): Uint8Array =>
  syncMessage(SyncMessageType.step2, update);

export const encodeUpdate = (update: Uint8Array): Uint8Array =>
  syncMessage(SyncMessageType.update, update);

export const encodeAwareness = (
  awareness: awarenessProtocol.Awareness,
  clients: number[],
): Uint8Array =>
  message(MessageType.awareness, (encoder) =>
    encoding.writeVarUint8Array(
      encoder,
      awarenessProtocol.encodeAwarenessUpdate(awareness, clients),
    ),
  );

/** Type 100: the state vector of what is durable on disk. */
export const encodeAck = (stateVector: Uint8Array): Uint8Array =>
  message(MessageType.ack, (encoder) => encoding.writeVarUint8Array(encoder, stateVector));

/** Reads the state vector out of a type-100 message (the type byte already consumed). */
export const readAckPayload = (decoder: decoding.Decoder): Uint8Array =>
  decoding.readVarUint8Array(decoder);

/**
 * True when the durable state vector covers every edit this document made itself: the user's own
 * work is saved. Edits that arrived from others are the hub's already, so they do not count.
 * @example isSaved(doc, ackPayload)
 */
export function isSaved(doc: Y.Doc, durableStateVector: Uint8Array): boolean {
  return covers(durableStateVector, new Map([[doc.clientID, Y.getState(doc.store, doc.clientID)]]));
}

/**
 * True when the durable state vector holds each client's edits up to the clock given.
 * @example covers(ackPayload, Y.decodeStateVector(Y.encodeStateVector(restoredDoc)))
 */
export function covers(
  durableStateVector: Uint8Array,
  clocks: ReadonlyMap<number, number>,
): boolean {
  const durable = Y.decodeStateVector(durableStateVector);
  for (const [client, clock] of clocks) if ((durable.get(client) ?? 0) < clock) return false;
  return true;
}
