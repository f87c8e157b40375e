/**
 * Wire constants of the hub's WebSocket protocol: y-websocket message types, the hub's own
 * extensions and the close codes it uses. Every numeric constant on the wire lives here.
 */

/** Top-level message types; 0 and 1 are what the stock y-websocket client speaks. */
export const MessageType = {
  sync: 0,
  awareness: 1,
  /** Hub → client, only with `?acks=1`: one varUint8Array, the state vector durable on disk. */
  ack: 100,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Sub-types inside a `sync` message (y-protocols/sync). */
export const SyncMessageType = {
  step1: 0,
  step2: 1,
  update: 2,
} as const;
export type SyncMessageType = (typeof SyncMessageType)[keyof typeof SyncMessageType];

/**
 * Close codes. The 4400–4499 range means "reconnecting cannot fix this": the stock client stops
 * retrying. 1001/1009/1011/1013 are the standard codes, after which it reconnects with backoff.
 */
export const CloseCode = {
  goingAway: 1001,
  messageTooBig: 1009,
  internalError: 1011,
  tryAgainLater: 1013,
  badMessage: 4400,
  notFound: 4404,
  unappliableUpdate: 4422,
  roomLoadFailed: 4500,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Query parameter asking for type-100 durability acknowledgements. */
export const ACKS_PARAM = 'acks';
/**
 * Query parameter making a connection read-only (`?readonly=1`), as viewers and the embed
 * widget connect: it syncs and shares presence, but its document updates are dropped.
 */
export const READONLY_PARAM = 'readonly';
