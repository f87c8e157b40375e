/**
 * Who is present in a design: each client puts `{name, color}` in the `user` field of its
 * awareness state, and the hub reads it back from the room to list the people there. Awareness
 * is whatever a client chose to send, so reading it checks and trims every field.
 */
import { isJsonObject } from './design/model.js';

/** The awareness state field a client sets to announce itself. */
export const AWARENESS_USER_FIELD = 'user';

/** One person connected to a design, as `GET /api/designs` lists them. */
export interface PresentUser {
  name: string;
  /** A CSS hex colour, `#rrggbb`. */
  color: string;
}

const MAX_NAME_CHARS = 64;
const HEX_COLOR = /^#[0-9a-f]{6}$/i;
/** Given to a person whose colour is missing or not a `#rrggbb` colour. */
export const NEUTRAL_COLOR = '#808080';

/**
 * The person an awareness state announces, or undefined when it names nobody (no `user`
 * object, or no non-blank name). Long names are cut; a colour that is not `#rrggbb` is
 * replaced, so it can go into a style attribute as it is.
 * @example
 * presentUser({ user: { name: 'Ada', color: '#FF0000' } }) // { name: 'Ada', color: '#ff0000' }
 */
export function presentUser(state: unknown): PresentUser | undefined {
  if (!isJsonObject(state)) return undefined;
  const user = state[AWARENESS_USER_FIELD];
  if (!isJsonObject(user) || typeof user.name !== 'string') return undefined;
  // By code point, so that a cut never splits a surrogate pair.
  const name = [...user.name.trim()].slice(0, MAX_NAME_CHARS).join('');
  if (name === '') return undefined;
  const color =
    typeof user.color === 'string' && HEX_COLOR.test(user.color)
      ? user.color.toLowerCase()
      : NEUTRAL_COLOR;
  return { name, color };
}
