/**
 * The document side of PATCH: RFC 6902 JSON patch, RFC 7386 merge patch and Kubernetes' strategic
 * merge patch, each applied to a copy of the stored object, so neither input is ever changed and
 * the result shares nothing with them. A patch that cannot apply throws a `PatchError` with the
 * status kube-apiserver answers, so kubectl prints what it prints against a real cluster.
 */
import { isDeepStrictEqual } from 'node:util';
import { isPlainObject as isObject, ownField, setField } from './kubeObject.js';
import { PATCH_REJECTED, PatchError } from './patchError.js';
import { mergeStrategically } from './strategicMerge.js';

const badRequest = (message: string): PatchError => new PatchError(message, 'BadRequest');
const notApplicable = (detail: string): PatchError =>
  new PatchError(PATCH_REJECTED, 'Invalid', detail);

type JsonObject = Record<string, unknown>;

/** The JSON type of a value, in the words of Go's decoder (`cannot unmarshal array into ...`). */
function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

interface Pointer {
  readonly text: string;
  readonly tokens: readonly string[];
}

/** An array index as RFC 6901 spells it: no sign, no leading zeros. */
const arrayIndex = (token: string): number | undefined =>
  /^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : undefined;

function pointerOf(operation: JsonObject, field: 'path' | 'from'): Pointer {
  const text = operation[field];
  const op = String(operation.op);
  if (typeof text !== 'string') throw notApplicable(`${op} operation has no "${field}"`);
  if (text === '') return { text, tokens: [] };
  if (!text.startsWith('/') || /~([^01]|$)/.test(text)) {
    throw notApplicable(`${op} operation has an invalid JSON pointer: ${JSON.stringify(text)}`);
  }
  const tokens = text
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
  return { text, tokens };
}

function find(doc: unknown, tokens: readonly string[]): { found: boolean; value: unknown } {
  let value = doc;
  for (const token of tokens) {
    if (Array.isArray(value)) {
      const index = arrayIndex(token);
      if (index === undefined || index >= value.length) return { found: false, value: undefined };
      value = value[index];
    } else if (isObject(value) && Object.hasOwn(value, token)) {
      value = value[token];
    } else {
      return { found: false, value: undefined };
    }
  }
  return { found: true, value };
}

/** The array or object that holds the location `pointer` names, and the location's last token. */
function parentOf(doc: unknown, pointer: Pointer, op: string) {
  const parent = find(doc, pointer.tokens.slice(0, -1)).value;
  if (!Array.isArray(parent) && !isObject(parent)) {
    throw notApplicable(`${op} operation does not apply: doc is missing path: ${pointer.text}`);
  }
  return { parent, last: pointer.tokens.at(-1)! };
}

function valueAt(doc: unknown, pointer: Pointer, op: string): unknown {
  const { found, value } = find(doc, pointer.tokens);
  if (found) return value;
  throw notApplicable(`${op} operation does not apply: doc is missing path: ${pointer.text}`);
}

function addAt(doc: unknown, pointer: Pointer, value: unknown): unknown {
  if (pointer.tokens.length === 0) return value;
  const { parent, last } = parentOf(doc, pointer, 'add');
  if (!Array.isArray(parent)) {
    setField(parent, last, value);
    return doc;
  }
  const index = last === '-' ? parent.length : arrayIndex(last);
  if (index === undefined || index > parent.length) {
    throw notApplicable(`add operation does not apply: index out of bounds: ${pointer.text}`);
  }
  parent.splice(index, 0, value);
  return doc;
}

function removeAt(doc: unknown, pointer: Pointer, op = 'remove'): unknown {
  if (pointer.tokens.length === 0) {
    throw notApplicable(`${op} operation cannot remove the document`);
  }
  valueAt(doc, pointer, op);
  const { parent, last } = parentOf(doc, pointer, op);
  if (Array.isArray(parent)) parent.splice(arrayIndex(last)!, 1);
  else delete parent[last];
  return doc;
}

function replaceAt(doc: unknown, pointer: Pointer, value: unknown): unknown {
  if (pointer.tokens.length === 0) return value;
  valueAt(doc, pointer, 'replace');
  const { parent, last } = parentOf(doc, pointer, 'replace');
  if (Array.isArray(parent)) parent[arrayIndex(last)!] = value;
  else setField(parent, last, value);
  return doc;
}

function valueOf(operation: JsonObject): unknown {
  if (!Object.hasOwn(operation, 'value')) {
    throw notApplicable(`${String(operation.op)} operation has no value`);
  }
  return structuredClone(operation.value);
}

function testAt(doc: unknown, operation: JsonObject): void {
  const pointer = pointerOf(operation, 'path');
  const expected = ownField(operation, 'value') ?? null;
  const { found, value } = find(doc, pointer.tokens);
  const failed = () => notApplicable(`testing value ${pointer.text} failed`);
  if (found) {
    if (!isDeepStrictEqual(value, expected)) throw failed();
    return;
  }
  // As kube-apiserver's JSON patch library: a field missing from an object that exists is null.
  const { parent } = parentOf(doc, pointer, 'test');
  if (Array.isArray(parent) || expected !== null) throw failed();
}

function applyOperation(doc: unknown, operation: JsonObject): unknown {
  switch (operation.op) {
    case 'add':
      return addAt(doc, pointerOf(operation, 'path'), valueOf(operation));
    case 'remove':
      return removeAt(doc, pointerOf(operation, 'path'));
    case 'replace':
      return replaceAt(doc, pointerOf(operation, 'path'), valueOf(operation));
    case 'move': {
      const from = pointerOf(operation, 'from');
      const path = pointerOf(operation, 'path');
      if (path.text.startsWith(`${from.text}/`)) {
        throw notApplicable(
          `move operation cannot move ${from.text} into its own child ${path.text}`,
        );
      }
      const value = valueAt(doc, from, 'move');
      return addAt(removeAt(doc, from, 'move'), path, value);
    }
    case 'copy': {
      const value = structuredClone(valueAt(doc, pointerOf(operation, 'from'), 'copy'));
      return addAt(doc, pointerOf(operation, 'path'), value);
    }
    case 'test':
      testAt(doc, operation);
      return doc;
    default:
      throw notApplicable(`Unexpected kind: ${String(operation.op ?? 'unknown')}`);
  }
}

/**
 * Applies an RFC 6902 JSON patch (`application/json-patch+json`) to a copy of `target`. A body that
 * is not an array of operations is a 400; an operation that does not apply (a failed `test`, a
 * path that does not exist, an unknown `op`) is a 422, as kube-apiserver answers.
 *
 * @example applyJsonPatch({ spec: { replicas: 1 } }, [{ op: 'replace', path: '/spec/replicas', value: 3 }])
 */
export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) {
    throw badRequest(
      `json: cannot unmarshal ${jsonTypeOf(patch)} into Go value of type jsonpatch.Patch`,
    );
  }
  const malformed = patch.findIndex((operation) => !isObject(operation));
  if (malformed >= 0) {
    const type = jsonTypeOf(patch[malformed]);
    throw badRequest(`json: cannot unmarshal ${type} into Go value of type jsonpatch.Operation`);
  }
  let doc = structuredClone(target);
  for (const operation of patch as JsonObject[]) doc = applyOperation(doc, operation);
  return doc;
}

function mergeInto(stored: JsonObject, patch: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete stored[key];
    else if (!isObject(value)) setField(stored, key, structuredClone(value));
    else {
      const current = ownField(stored, key);
      setField(stored, key, mergeInto(isObject(current) ? current : {}, value));
    }
  }
  return stored;
}

/**
 * Applies an RFC 7386 merge patch (`application/merge-patch+json`) to a copy of `target`: `null`
 * deletes a field, objects merge recursively, anything else (lists included) replaces. The patch
 * must be an object, since it patches an API object; anything else is a 400.
 *
 * @example applyMergePatch({ metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { a: null } } })
 *   // { metadata: { labels: { b: '2' } } }
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) throw badRequest('Invalid JSON Patch');
  return mergeInto(isObject(target) ? structuredClone(target) : {}, patch);
}

/**
 * Applies a Kubernetes strategic merge patch (`application/strategic-merge-patch+json`, what
 * `kubectl patch`, `kubectl apply` and `kubectl edit` send for built-in kinds) to a copy of
 * `target`: lists such as containers, env, ports and volumes merge item by item on their merge
 * key, others are replaced; see `strategicMerge.ts` for the table, the directives and the order
 * of merged items. The sandbox must answer 415 for custom resources, as kube-apiserver does.
 *
 * @example applyStrategicMergePatch(deployment, {
 *   spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } },
 * }) // changes the image of container `web` only, the other containers stay
 */
export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  const stored = isObject(target) ? structuredClone(target) : {};
  // kube-apiserver decodes a `null` body into an empty patch.
  if (patch === null) return stored;
  if (!isObject(patch)) {
    const type = jsonTypeOf(patch);
    throw badRequest(
      `json: cannot unmarshal ${type} into Go value of type map[string]interface {}`,
    );
  }
  return mergeStrategically(stored, patch);
}
