/**
 * Room names, as fixed by the architecture: `designs/<id>`, `designs/<id>/derived` and
 * `clusters/<connectionId>`. Parsing lives here so the hub and the web client agree on them.
 */

/** Ids are URL- and key-safe: letters, digits, `_` and `-`, at most 64 characters. */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export type RoomName =
  | { kind: 'design'; designId: string }
  | { kind: 'derived'; designId: string }
  | { kind: 'cluster'; connectionId: string };

/** True when `id` can be used as a design or connection id. */
export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/**
 * Parses a room name, or returns undefined when it is not one the hub serves.
 * @example parseRoomName('designs/abc/derived') // { kind: 'derived', designId: 'abc' }
 */
export function parseRoomName(name: string): RoomName | undefined {
  const parts = name.split('/');
  const [scope, id, suffix] = parts;
  if (id === undefined || !isValidId(id)) return undefined;
  if (scope === 'designs' && parts.length === 2) return { kind: 'design', designId: id };
  if (scope === 'designs' && parts.length === 3 && suffix === 'derived') {
    return { kind: 'derived', designId: id };
  }
  if (scope === 'clusters' && parts.length === 2) return { kind: 'cluster', connectionId: id };
  return undefined;
}

export const designRoom = (designId: string): string => `designs/${designId}`;
export const derivedRoom = (designId: string): string => `designs/${designId}/derived`;
export const clusterRoom = (connectionId: string): string => `clusters/${connectionId}`;
