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

/** A `…List` document around stored objects, without serializing them again. */
export function listJson(head: Record<string, unknown>, items: readonly KubeObject[]): string {
  const open = JSON.stringify(head).slice(0, -1);
  return `${open},"items":[${items.map(jsonOf).join(',')}]}`;
}
