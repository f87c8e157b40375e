/**
 * One open design: its document and its derived document, each synced with the hub through
 * the stock y-websocket provider, plus what the editor shows about the connection. Local edits
 * go through `edit` so that undo tracks exactly this person's changes.
 */
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { DesignKey } from '../../../shared/design/convert';
import { isSaved, readAckPayload } from '../../../shared/messages';
import { ACKS_PARAM, CloseCode, MessageType, READONLY_PARAM } from '../../../shared/protocol';
import { derivedRoom, designRoom } from '../../../shared/rooms';

/** What the status badge says. */
export type SaveStatus = 'connecting' | 'saved' | 'saving' | 'offline' | 'gone';

export interface SessionOptions {
  /** Viewers sync and watch, and the hub drops any update they send. */
  readOnly?: boolean;
}

/** The hub's WebSocket endpoint on the origin this page came from. */
export const hubSocketUrl = (): string =>
  `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws`;

export class DesignSession {
  readonly doc = new Y.Doc();
  readonly derived = new Y.Doc();
  readonly provider: WebsocketProvider;
  readonly derivedProvider: WebsocketProvider;
  /** Transaction origin of this person's edits; undo tracks only these. */
  readonly localOrigin = Symbol('local edit');
  readonly undoManager: Y.UndoManager;

  status = $state<SaveStatus>('connecting');
  /** The first sync has completed: the document is what the hub holds. */
  loaded = $state(false);
  /** Why the hub closed the connection for good, if it did. */
  closedReason = $state('');

  private connected = false;
  private durable: Uint8Array | null = null;

  constructor(
    readonly designId: string,
    readonly options: SessionOptions = {},
  ) {
    const params: Record<string, string> = options.readOnly
      ? { [READONLY_PARAM]: '1' }
      : { [ACKS_PARAM]: '1' };
    this.provider = new WebsocketProvider(hubSocketUrl(), designRoom(designId), this.doc, {
      params,
    });
    this.derivedProvider = new WebsocketProvider(
      hubSocketUrl(),
      derivedRoom(designId),
      this.derived,
    );
    this.provider.messageHandlers[MessageType.ack] = (_encoder, decoder) => {
      this.durable = readAckPayload(decoder);
      this.refreshStatus();
    };
    this.provider.on('status', ({ status }) => {
      this.connected = status === 'connected';
      this.refreshStatus();
    });
    this.provider.on('sync', (synced) => {
      if (synced) this.loaded = true;
      this.refreshStatus();
    });
    this.provider.on('closed', ({ code, reason }) => {
      this.closedReason = reason || `closed with code ${code}`;
      if (code === CloseCode.notFound) this.status = 'gone';
    });
    this.doc.on('update', (_update, origin) => {
      if (origin === this.localOrigin) this.refreshStatus();
    });
    this.undoManager = new Y.UndoManager(
      [DesignKey.components, DesignKey.layout, DesignKey.relationships, DesignKey.overrides].map(
        (key) => this.doc.getMap(key),
      ),
      // Steps end where `edit` says, never by timing: two quick commands stay two steps.
      { trackedOrigins: new Set([this.localOrigin]), captureTimeout: Number.MAX_SAFE_INTEGER },
    );
  }

  /**
   * Runs `change` as one transaction of this person's, so undo can take it back. Each edit is
   * one undo step, unless it `continues` a gesture (the frames of a drag): those join the next
   * edit that does not, and undo takes the whole gesture back at once.
   */
  edit(change: () => void, { continues = false } = {}): void {
    if (this.options.readOnly) return;
    this.doc.transact(change, this.localOrigin);
    if (!continues) this.undoManager.stopCapturing();
  }

  get awareness() {
    return this.provider.awareness;
  }

  destroy(): void {
    this.undoManager.destroy();
    this.provider.destroy();
    this.derivedProvider.destroy();
    this.doc.destroy();
    this.derived.destroy();
  }

  private refreshStatus(): void {
    if (this.status === 'gone') return;
    if (!this.connected) this.status = this.loaded ? 'offline' : 'connecting';
    else if (!this.provider.synced) this.status = 'connecting';
    else if (this.options.readOnly || this.isDurable()) this.status = 'saved';
    else this.status = 'saving';
  }

  /** The hub's last acknowledgement covers every edit made here. */
  private isDurable(): boolean {
    if (Y.getState(this.doc.store, this.doc.clientID) === 0) return true;
    return this.durable !== null && isSaved(this.doc, this.durable);
  }
}
