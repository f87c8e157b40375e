/**
 * The seam between rooms and transports: a room talks to `Connection`s and never to a socket,
 * so rooms can be driven in unit tests without a network.
 */
import { CloseCode } from '../../shared/protocol.js';
import type { RejectReason } from '../metrics/hubMetrics.js';

export interface Connection {
  /** Syncs and receives updates, but its document updates are dropped, never applied. */
  readonly readOnly: boolean;
  /** Asked for type-100 durability acknowledgements (`?acks=1`). */
  readonly wantsAcks: boolean;
  /** Sends one message; `onSent` runs once it has left (or could not be sent). */
  send(message: Uint8Array, onSent?: () => void): void;
  close(code: number, reason: string): void;
  /** Closes the connection for breaking the protocol, and counts why. */
  reject(error: ProtocolError): void;
}

/** A message that breaks the protocol; it closes only the connection that sent it. */
export class ProtocolError extends Error {
  constructor(
    readonly reason: RejectReason,
    readonly closeCode: CloseCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}
