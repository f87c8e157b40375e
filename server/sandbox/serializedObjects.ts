/**
 * Each stored object's JSON text, made once. Stored objects never change (a write stores a new
 * one), so their serialization can be kept beside them: a list of 5,000 pods then joins cached
 * text instead of serializing 6 MB again, and every watch that sees an object shares its text.
 */
import type { KubeObject } from './kubeObject.js';

const texts = new WeakMap<KubeObject, string>();

/** `JSON.stringify(object)`, cached for the object's lifetime. */
export function jsonOf(object: KubeObject): string {
  let text = texts.get(object);
  if (text === undefined) texts.set(object, (text = JSON.stringify(object)));
  return text;
}

/**
 * `head` as JSON with one more field, an array whose elements are already JSON text: how lists
 * and Tables are written around cached objects without serializing them again.
 */
export function withJsonArray(
  head: Record<string, unknown>,
  field: string,
  elements: readonly string[],
): string {
  return `${JSON.stringify(head).slice(0, -1)},${JSON.stringify(field)}:[${elements.join(',')}]}`;
}

/** A `…List` document around stored objects. */
export const listJson = (head: Record<string, unknown>, items: readonly KubeObject[]): string =>
  withJsonArray(head, 'items', items.map(jsonOf));
