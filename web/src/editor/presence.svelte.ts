/**
 * Who else is in the design and what they are doing, through y-websocket awareness: each
 * person publishes their name and colour, pointer position (in canvas coordinates), selection
 * and viewport. Updates from others are coalesced to one per animation frame.
 */
import type { Viewport, XYPosition } from '@xyflow/svelte';
import type { Awareness } from 'y-protocols/awareness';
import { AWARENESS_USER_FIELD } from '../../../shared/presence';
import type { Identity } from '../lib/identity.svelte';
import {
  comingsAndGoings,
  peerOf,
  remoteSelections,
  type Peer,
  type RemoteSelections,
} from './peers';

interface LocalState {
  [AWARENESS_USER_FIELD]: Identity;
  cursor?: XYPosition | null;
  selection?: string[];
  viewport?: Viewport;
}

export class PresenceTracker {
  /** Everyone else here, in the order they arrived. */
  peers = $state<Peer[]>([]);
  /** What they have selected; a new value only when that changes (see `remoteSelections`). */
  selections = $state.raw<RemoteSelections>(new Map());
  /** The latest arrivals and departures, in words, for a live region to read out. */
  announcement = $state('');
  private frame = 0;

  constructor(private readonly awareness: Awareness) {
    awareness.on('change', this.schedule);
    this.read();
  }

  /**
   * Publishes part of this person's state (pointer, selection, viewport, name). Until a `user`
   * is published, others do not list this page: anonymous viewers stay unlisted.
   */
  publish(fields: Partial<LocalState>): void {
    for (const [key, value] of Object.entries(fields)) {
      this.awareness.setLocalStateField(key, value);
    }
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.awareness.off('change', this.schedule);
    this.awareness.setLocalState(null);
  }

  private readonly schedule = () => {
    if (this.frame === 0) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.read();
      });
    }
  };

  private read(): void {
    const peers: Peer[] = [];
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId === this.awareness.clientID) continue;
      const peer = peerOf(clientId, state);
      if (peer) peers.push(peer);
    }
    const news = comingsAndGoings(this.peers, peers);
    if (news.length > 0) this.announcement = `${news.join(', ')}.`;
    this.peers = peers;
    this.selections = remoteSelections(peers, this.selections);
  }
}
