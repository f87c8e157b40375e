/**
 * Accepts WebSocket connections at `/ws/<room>` and joins them to rooms. Messages that arrive
 * before the room has loaded are queued and handled in order once it has: no message of any
 * connection is processed against a half-loaded document.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { ACKS_PARAM, CloseCode, READONLY_PARAM } from '../../shared/protocol.js';
import { HubError } from '../errors.js';
import type { Logger } from '../log.js';
import type { HubMetrics } from '../metrics/hubMetrics.js';
import { ProtocolError } from './connection.js';
import { RoomLoadError, type Room } from './room.js';
import type { RoomRegistry, RoomSpec } from './roomRegistry.js';
import { WsConnection } from './wsConnection.js';

export const WS_PATH_PREFIX = '/ws/';

/** What the hub decides about a room name: refuse it, or open it with these properties. */
export type RoomAccess =
  { ok: true; spec: RoomSpec; readOnly: boolean } | { ok: false; code: number; reason: string };

export interface WebSocketHubOptions {
  maxMessageBytes: number;
  sendBufferLimit: number;
  /** Every connection is pinged this often; one that has not answered the last ping is cut off. */
  pingIntervalMs: number;
  /** Decides whether a room exists and how this connection may use it. */
  resolveRoom(name: string): RoomAccess;
}

export class WebSocketHub {
  private readonly server = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly connections = new Set<WsConnection>();
  private readonly pingTimer: NodeJS.Timeout;

  constructor(
    private readonly rooms: RoomRegistry,
    private readonly metrics: HubMetrics,
    private readonly logger: Logger,
    private readonly options: WebSocketHubOptions,
  ) {
    this.server.options.maxPayload = options.maxMessageBytes;
    this.pingTimer = setInterval(() => this.pingAll(), options.pingIntervalMs);
    this.pingTimer.unref();
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Routes HTTP upgrades on `/ws/…` to this hub and refuses every other upgrade. */
  attach(httpServer: Server): void {
    httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(request.url ?? '/', 'http://hub');
      if (!url.pathname.startsWith(WS_PATH_PREFIX)) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.server.handleUpgrade(request, socket, head, (ws) => void this.accept(ws, url));
    });
  }

  /** Stops pinging; sockets are closed through their rooms. */
  close(): void {
    clearInterval(this.pingTimer);
    for (const conn of this.connections) conn.close(CloseCode.goingAway, 'hub shutting down');
  }

  private async accept(socket: WebSocket, url: URL): Promise<void> {
    const name = decodeRoomName(url.pathname.slice(WS_PATH_PREFIX.length));
    const access =
      name === undefined ? refuse('malformed room name') : this.options.resolveRoom(name);
    const asked = (param: string) => url.searchParams.get(param) === '1';
    const conn = new WsConnection(
      socket,
      {
        // A client may give up writing to any room, never gain it.
        readOnly: access.ok && (access.readOnly || asked(READONLY_PARAM)),
        wantsAcks: asked(ACKS_PARAM),
        sendBufferLimit: this.options.sendBufferLimit,
      },
      this.metrics,
    );
    this.connections.add(conn);
    let room: Room | null = null;
    let socketClosed = false;
    const queue: Uint8Array[] = [];
    let queuedBytes = 0;

    socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.metrics.bytesReceived.inc(data.byteLength);
      if (!isBinary) {
        const error = new ProtocolError(
          'malformed',
          CloseCode.badMessage,
          'text frames are not part of the protocol',
        );
        return conn.reject(error);
      }
      if (room) return this.handle(room, conn, data);
      queue.push(data);
      queuedBytes += data.byteLength;
      // Bounded: one full-size message plus change may wait for a room that is still loading.
      if (queuedBytes > 2 * this.options.maxMessageBytes) {
        this.metrics.rejected.inc('backpressure');
        conn.close(CloseCode.tryAgainLater, 'too much data sent before the room loaded');
      }
    });
    socket.on('pong', () => {
      conn.alive = true;
    });
    socket.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
        this.metrics.rejected.inc('too_large');
      else this.metrics.rejected.inc('malformed');
      this.logger.warn(`connection to ${name ?? url.pathname} failed`, error);
    });
    socket.on('close', () => {
      socketClosed = true;
      this.connections.delete(conn);
      if (room) this.leave(room, conn);
    });

    if (!access.ok) return conn.close(access.code, access.reason);
    let acquired: Room;
    try {
      acquired = await this.rooms.acquire(access.spec);
    } catch (error) {
      if (error instanceof HubError && error.code === 'shutting_down') {
        return conn.close(CloseCode.goingAway, error.message);
      }
      const reason =
        error instanceof RoomLoadError ? 'stored document could not be loaded' : 'room unavailable';
      return conn.close(CloseCode.roomLoadFailed, reason);
    }
    // Waiting for an unloading room can take a moment: the design may have been deleted since.
    const stillThere = this.options.resolveRoom(access.spec.name);
    if (!stillThere.ok) {
      this.rooms.release(acquired);
      return conn.close(stillThere.code, stillThere.reason);
    }
    room = acquired;
    try {
      room.join(conn);
    } catch (error) {
      // The room closed every connection with 4500 and wrote nothing.
      this.logger.error(error instanceof Error ? error.message : String(error));
      return;
    }
    // What the client sent while the room loaded is handled now, in order, even if the client
    // has hung up since: it was sent, so it must not be lost.
    for (const message of queue) this.handle(room, conn, message);
    queue.length = 0;
    if (socketClosed) this.leave(room, conn);
  }

  private leave(room: Room, conn: WsConnection): void {
    room.leave(conn);
    this.rooms.release(room);
  }

  private handle(room: Room, conn: WsConnection, message: Uint8Array): void {
    if (conn.closedByHub) return;
    try {
      room.receive(conn, message);
    } catch (error) {
      if (error instanceof ProtocolError) return conn.reject(error);
      // The room already closed every connection with 4500; stored data is untouched.
      if (error instanceof RoomLoadError) return this.logger.error(error.message);
      this.logger.error(`unexpected failure handling a message in ${room.name}`, error);
      conn.close(CloseCode.internalError, 'internal error');
    }
  }

  private pingAll(): void {
    for (const conn of this.connections) {
      if (!conn.alive) {
        conn.socket.terminate();
        continue;
      }
      conn.alive = false;
      if (conn.isOpen) conn.socket.ping();
    }
  }
}

function refuse(reason: string): RoomAccess {
  return { ok: false, code: CloseCode.badMessage, reason };
}

function decodeRoomName(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}
