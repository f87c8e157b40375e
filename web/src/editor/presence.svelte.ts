/**
 * Who else is in the design and what they are doing, through y-websocket awareness: each
 * person publishes their name and colour, pointer position (in canvas coordinates), selection
 * and viewport. Updates from others are coalesced to one per animation frame.
 */
import type { Viewport, XYPosition } from '@xyflow/svelte';
import type { Awareness } from 'y-protocols/awareness';
import { AWARENESS_USER_FIELD, presentUser, type PresentUser } from '../../../shared/presence';
import type { Identity } from '../lib/identity.svelte';

export interface Peer extends PresentUser {
  clientId: number;
  cursor?: XYPosition;
  selection: string[];
  viewport?: Viewport;
}

interface LocalState {
  [AWARENESS_USER_FIELD]: Identity;
  cursor?: XYPosition | null;
  selection?: string[];
  viewport?: Viewport;
}

const isPoint = (value: unknown): value is XYPosition =>
  typeof (value as XYPosition)?.x === 'number' && typeof (value as XYPosition)?.y === 'number';

const isViewport = (value: unknown): value is Viewport =>
  isPoint(value) && typeof (value as Viewport).zoom === 'number';

function peerOf(clientId: number, state: Record<string, unknown>): Peer | undefined {
  const user = presentUser(state);
  if (!user) return undefined;
  return {
    clientId,
    ...user,
    cursor: isPoint(state.cursor) ? state.cursor : undefined,
    selection: Array.isArray(state.selection)
      ? state.selection.filter((id): id is string => typeof id === 'string')
      : [],
    viewport: isViewport(state.viewport) ? state.viewport : undefined,
  };
}

export class PresenceTracker {
  /** Everyone else here, in the order they arrived. */
  peers = $state<Peer[]>([]);
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

  /** Component ids others have selected, with who selected them. */
  selections(): Map<string, PresentUser[]> {
    const byComponent = new Map<string, PresentUser[]>();
    for (const peer of this.peers) {
      for (const id of peer.selection) {
        const list = byComponent.get(id) ?? [];
        list.push({ name: peer.name, color: peer.color });
        byComponent.set(id, list);
      }
    }
    return byComponent;
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
    this.peers = peers;
  }
}
