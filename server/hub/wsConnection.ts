/**
 * A Connection over a `ws` WebSocket: enforces the send-buffer limit and makes closing final.
 */
import WebSocket from 'ws';
import { CloseCode } from '../../shared/protocol.js';
import type { HubMetrics } from '../metrics/hubMetrics.js';
import type { Connection, ProtocolError } from './connection.js';

/** A peer that does not complete the closing handshake within this time is cut off. */
const CLOSE_HANDSHAKE_TIMEOUT_MS = 5_000;

export interface WsConnectionOptions {
  readOnly: boolean;
  wantsAcks: boolean;
  /** Close a connection whose unsent data exceeds this many bytes. */
  sendBufferLimit: number;
}

export class WsConnection implements Connection {
  readonly readOnly: boolean;
  readonly wantsAcks: boolean;
  /** Cleared on each ping, set by the pong; a peer still unset at the next ping is dead. */
  alive = true;
  private closing = false;

  constructor(
    readonly socket: WebSocket,
    private readonly options: WsConnectionOptions,
    private readonly metrics: HubMetrics,
  ) {
    this.readOnly = options.readOnly;
    this.wantsAcks = options.wantsAcks;
  }

  get isOpen(): boolean {
    return !this.closing && this.socket.readyState === WebSocket.OPEN;
  }

  /** True once the hub decided to close this connection; nothing more it sent is handled. */
  get closedByHub(): boolean {
    return this.closing;
  }

  send(message: Uint8Array, onSent?: () => void): void {
    if (!this.isOpen) return onSent?.();
    // A peer that reads slower than the room writes would make this buffer grow without bound.
    if (this.socket.bufferedAmount > this.options.sendBufferLimit) {
      this.metrics.rejected.inc('backpressure');
      this.close(CloseCode.tryAgainLater, 'send buffer full: the client reads too slowly');
      return onSent?.();
    }
    this.socket.send(message, onSent && (() => onSent()));
  }

  reject(error: ProtocolError): void {
    this.metrics.rejected.inc(error.reason);
    this.close(error.closeCode, truncateReason(error.message));
  }

  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.close(code, reason);
    setTimeout(() => this.socket.terminate(), CLOSE_HANDSHAKE_TIMEOUT_MS).unref();
  }
}

/** Close reasons are limited to 123 bytes by the WebSocket protocol. */
const MAX_CLOSE_REASON_BYTES = 123;

function truncateReason(reason: string): string {
  let text = reason;
  while (Buffer.byteLength(text) > MAX_CLOSE_REASON_BYTES) text = text.slice(0, -2) + '…';
  return text;
}
