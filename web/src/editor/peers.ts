/**
 * The other people in a design as their awareness states describe them, and what they have
 * selected. Awareness is whatever another client chose to send, so every field is checked.
 */
import type { Viewport, XYPosition } from '@xyflow/svelte';
import { presentUser, type PresentUser } from '../../../shared/presence';

export interface Peer extends PresentUser {
  clientId: number;
  cursor?: XYPosition;
  selection: string[];
  viewport?: Viewport;
}

/** Component ids others have selected, with who selected each. */
export type RemoteSelections = ReadonlyMap<string, readonly PresentUser[]>;

const isPoint = (value: unknown): value is XYPosition =>
  typeof (value as XYPosition)?.x === 'number' && typeof (value as XYPosition)?.y === 'number';

const isViewport = (value: unknown): value is Viewport =>
  isPoint(value) && typeof (value as Viewport).zoom === 'number';

/** The person an awareness state describes, or undefined when it names nobody. */
export function peerOf(clientId: number, state: Record<string, unknown>): Peer | undefined {
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

/**
 * What `peers` have selected, or `current` itself when that is unchanged: others' pointers and
 * viewports change many times a second, and the design is redrawn only when selections do.
 */
export function remoteSelections(
  peers: readonly Peer[],
  current: RemoteSelections,
): RemoteSelections {
  const next = new Map<string, PresentUser[]>();
  for (const { name, color, selection } of peers) {
    for (const id of selection) {
      const list = next.get(id) ?? [];
      list.push({ name, color });
      next.set(id, list);
    }
  }
  return sameSelections(next, current) ? current : next;
}

/** The same people in the same order. */
export const samePeople = (a: readonly PresentUser[], b: readonly PresentUser[]): boolean =>
  a.length === b.length &&
  a.every((person, i) => person.name === b[i]!.name && person.color === b[i]!.color);

function sameSelections(a: RemoteSelections, b: RemoteSelections): boolean {
  if (a.size !== b.size) return false;
  for (const [id, people] of a) {
    const others = b.get(id);
    if (!others || !samePeople(people, others)) return false;
  }
  return true;
}

/**
 * Who came and who went between two lists of peers, as a screen reader should hear it:
 * "Grace joined", "Ada left". Empty when the same people are here.
 */
export function comingsAndGoings(before: readonly Peer[], after: readonly Peer[]): string[] {
  const ids = (peers: readonly Peer[]) => new Set(peers.map((peer) => peer.clientId));
  const was = ids(before);
  const is = ids(after);
  return [
    ...after.filter((peer) => !was.has(peer.clientId)).map((peer) => `${peer.name} joined`),
    ...before.filter((peer) => !is.has(peer.clientId)).map((peer) => `${peer.name} left`),
  ];
}
