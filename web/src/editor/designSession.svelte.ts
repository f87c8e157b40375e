/**
 * One open design: its document and its derived document, each synced with the hub through
 * the stock y-websocket provider, plus what the editor shows about the connection. Local edits
 * go through `edit` so that undo tracks exactly this person's changes. An editing session also
 * keeps the design in this browser's IndexedDB, so edits made offline survive closing the tab
 * and reach the hub the next time the design is opened here.
 *
 * A session can start from the design's state fetched over HTTP (`fetchDesignState`), applied
 * before anything listens to the document: the first sync then carries only what changed since,
 * and Yjs does not encode the whole design again for listeners of its first update.
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { DesignKey } from '../../../shared/design/convert';
import { covers, readAckPayload } from '../../../shared/messages';
import { ACKS_PARAM, CloseCode, MessageType, READONLY_PARAM } from '../../../shared/protocol';
import { derivedRoom, designRoom } from '../../../shared/rooms';

/** What the status badge says. */
export type SaveStatus = 'connecting' | 'saved' | 'saving' | 'offline' | 'gone';

export interface SessionOptions {
  /** Viewers sync and watch, and the hub drops any update they send. */
  readOnly?: boolean;
  /** The design as the hub held it a moment ago, if it could be fetched. */
  state?: Uint8Array | null;
}

/**
 * A document holding `state`, or null when the bytes cannot be applied. Nothing of them is
 * kept then (the sync brings the whole design), so a broken answer can never reach the hub.
 */
function docWith(state: Uint8Array): Y.Doc | null {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return doc;
  } catch {
    doc.destroy();
    return null;
  }
}

/** The IndexedDB database that keeps a design's local copy. */
export const localCopyName = (designId: string): string => `weft:design:${designId}`;

/** The hub's WebSocket endpoint on the origin this page came from. */
export const hubSocketUrl = (): string =>
  `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws`;

export class DesignSession {
  readonly doc: Y.Doc;
  readonly derived = new Y.Doc();
  readonly provider: WebsocketProvider;
  readonly derivedProvider: WebsocketProvider;
  /** Transaction origin of this person's edits; undo tracks only these. */
  readonly localOrigin = Symbol('local edit');
  readonly undoManager: Y.UndoManager;

  status = $state<SaveStatus>('connecting');
  /** The first sync has completed: the document is what the hub holds. */
  loaded = $state(false);
  /** This browser's copy of the design has been restored (it had one). */
  restoredLocally = $state(false);
  /** The session started from the hub's state, fetched before connecting. */
  private readonly fetched: boolean;
  /** Why the hub closed the connection for good, if it did. */
  closedReason = $state('');

  private connected = false;
  /** A connection attempt failed since the last success: the hub is away, not just slow. */
  private unreachable = false;
  private durable: Uint8Array | null = null;
  private readonly localCopy: IndexeddbPersistence | null;
  /**
   * The clocks of what the local copy restored: it may hold edits made offline in an earlier
   * visit, so "Saved" waits until the hub's acknowledgement covers them too.
   */
  private restored = new Map<number, number>();

  constructor(
    readonly designId: string,
    readonly options: SessionOptions = {},
  ) {
    const fetchedDoc = options.state ? docWith(options.state) : null;
    this.fetched = fetchedDoc !== null;
    this.doc = fetchedDoc ?? new Y.Doc();
    const params: Record<string, string> = options.readOnly
      ? { [READONLY_PARAM]: '1' }
      : { [ACKS_PARAM]: '1' };
    // Tabs of one browser meet through the hub like everyone else. The provider's broadcast
    // channel between them would encode the whole design again as it connects, and every edit
    // once more.
    this.provider = new WebsocketProvider(hubSocketUrl(), designRoom(designId), this.doc, {
      params,
      disableBc: true,
    });
    this.derivedProvider = new WebsocketProvider(
      hubSocketUrl(),
      derivedRoom(designId),
      this.derived,
      { disableBc: true },
    );
    this.provider.messageHandlers[MessageType.ack] = (_encoder, decoder) => {
      this.durable = readAckPayload(decoder);
      this.refreshStatus();
    };
    this.provider.on('status', ({ status }) => {
      this.connected = status === 'connected';
      if (this.connected) this.unreachable = false;
      this.refreshStatus();
    });
    this.provider.on('connection-close', () => {
      this.unreachable = !this.connected;
      this.refreshStatus();
    });
    this.provider.on('sync', (synced) => {
      if (synced) this.loaded = true;
      this.refreshStatus();
    });
    this.provider.on('closed', ({ code, reason }) => {
      this.closedReason = reason || `closed with code ${code}`;
      if (code === CloseCode.notFound) {
        this.status = 'gone';
        void this.localCopy?.clearData();
      }
    });
    this.localCopy = options.readOnly
      ? null
      : new IndexeddbPersistence(localCopyName(designId), this.doc);
    this.localCopy?.on('synced', () => {
      this.restoredLocally = this.restored.size > 0;
      this.refreshStatus();
    });
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      // The local copy restores in one transaction of its own: what it adds is what may not
      // have reached the hub yet.
      if (origin === this.localCopy) {
        this.restored = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update));
      }
      if (origin === this.localOrigin || origin === this.localCopy) this.refreshStatus();
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

  /** There is a design to show: the hub's, or this browser's copy while the hub is away. */
  get ready(): boolean {
    return this.loaded || this.fetched || this.restoredLocally;
  }

  get awareness() {
    return this.provider.awareness;
  }

  destroy(): void {
    void this.localCopy?.destroy();
    this.undoManager.destroy();
    this.provider.destroy();
    this.derivedProvider.destroy();
    this.doc.destroy();
    this.derived.destroy();
  }

  private refreshStatus(): void {
    if (this.status === 'gone') return;
    if (!this.connected) {
      const offline = this.loaded || (this.restoredLocally && this.unreachable);
      this.status = offline ? 'offline' : 'connecting';
    } else if (!this.provider.synced) this.status = 'connecting';
    else if (this.options.readOnly || this.isDurable()) this.status = 'saved';
    else this.status = 'saving';
  }

  /** The hub's last acknowledgement covers every edit made here, now or in an earlier visit. */
  private isDurable(): boolean {
    const own = Y.getState(this.doc.store, this.doc.clientID);
    if (own === 0 && this.restored.size === 0) return true;
    const wanted = new Map([...this.restored, [this.doc.clientID, own]]);
    return this.durable !== null && covers(this.durable, wanted);
  }
}
