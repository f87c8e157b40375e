/**
 * Kubernetes' strategic merge patch for the built-in kinds: maps merge as in a merge patch, and
 * lists the kind declares mergeable merge item by item on a key instead of being replaced.
 * kube-apiserver reads which lists merge, and on what, from struct tags
 * (`patchStrategy:"merge" patchMergeKey:"name"`); the sandbox keeps the lists kubectl and
 * controllers rely on in a table, keyed by the field name and, where one name means different
 * lists, by its place in the object. `patches.ts` is the entry point and turns failures into
 * `PatchError`s.
 */
import { isPlainObject as isObject, ownField, setField } from './kubeObject.js';
import { PatchError } from './patchError.js';

const badRequest = (message: string) => new PatchError(message, 'BadRequest');

type JsonObject = Record<string, unknown>;

/** How a list field is patched: replaced whole, merged as a set of scalars, or merged by a key. */
export type ListStrategy =
  | { readonly type: 'replace' }
  | { readonly type: 'set' }
  | { readonly type: 'keyed'; readonly key: string };

const REPLACE: ListStrategy = { type: 'replace' };
const SET: ListStrategy = { type: 'set' };
const keyed = (key: string): ListStrategy => ({ type: 'keyed', key });

/** `table[field]`, but never a property `Object.prototype` lends (`constructor`, `toString`). */
const lookup = (table: Record<string, string>, field: string): string | undefined =>
  Object.hasOwn(table, field) ? table[field] : undefined;

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Lists inside a container (of any of the three container lists) and their merge keys. */
const CONTAINER_MERGE_KEYS: Record<string, string> = {
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
};

/** Lists whose name means one thing wherever it appears in a built-in kind. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  imagePullSecrets: 'name',
  resourceClaims: 'name',
  schedulingGates: 'name',
  hostAliases: 'ip',
  podIPs: 'ip',
  hostIPs: 'ip',
  topologySpreadConstraints: 'topologyKey',
  conditions: 'type',
};

/**
 * The strategy of the list at `path`, the field names from the object's root with list indexes
 * left out (a Deployment's container env is `spec.template.spec.containers.env`); `kind` is the
 * patched object's kind.
 *
 * `ports` is the one name with two merge keys, so its place decides, not its items: directly inside
 * a container it merges by `containerPort`; as a Service's `spec.ports` (or `spec.ports` of an
 * object without a kind) by `port`; anywhere else (a NetworkPolicy rule, an Endpoints subset) it
 * is replaced, as kube-apiserver does for lists without a patch strategy. Looking at the items
 * instead would misfile a patch that names only `port`s of a container, or a NetworkPolicy's ports.
 *
 * @example listStrategyAt(['spec', 'template', 'spec', 'containers', 'ports'], 'Deployment')
 *   // { type: 'keyed', key: 'containerPort' }
 */
export function listStrategyAt(path: readonly string[], kind: string | undefined): ListStrategy {
  const field = path.at(-1);
  const parent = path.at(-2);
  if (field === undefined) return REPLACE;
  if (parent !== undefined && CONTAINER_LISTS.has(parent)) {
    const key = lookup(CONTAINER_MERGE_KEYS, field);
    if (key !== undefined) return keyed(key);
  }
  if (parent === 'metadata' && field === 'finalizers') return SET;
  if (parent === 'metadata' && field === 'ownerReferences') return keyed('uid');
  const place = path.join('.');
  if (place === 'spec.ports' && (kind === undefined || kind === 'Service')) return keyed('port');
  if (place === 'status.addresses' && kind === 'Node') return keyed('type');
  if (place === 'secrets' && kind === 'ServiceAccount') return keyed('name');
  const key = lookup(MERGE_KEYS, field);
  return key !== undefined ? keyed(key) : REPLACE;
}

const indexIn = (keys: readonly unknown[], key: unknown): number =>
  keys.findIndex((candidate) => candidate === key);

/**
 * Orders the items of a merged list the way kube-apiserver does. Items whose key is in `preferred`
 * (the patch list's keys, or its `$setElementOrder`) take that order; the others keep their order
 * in the stored list (`stored` holds the stored items' keys). The two runs are then interleaved:
 * a stored item goes first only when both items are in the stored list and it comes earlier
 * there; whenever they cannot be compared (one is new) the patched item goes first.
 *
 * The last rule is kube-apiserver's and has a visible effect kubectl users know: a patch that only
 * adds a container puts it before the existing ones, while a patch that updates an existing
 * container and adds one after it appends the new one.
 *
 * @example orderMergedItems(['a', 'b', 'c'], (k) => k, ['c'], ['a', 'b']) // ['c', 'a', 'b']
 */
export function orderMergedItems<T>(
  merged: readonly T[],
  keyOf: (item: T) => unknown,
  preferred: readonly unknown[],
  stored: readonly unknown[],
): T[] {
  const preferredIndex = (item: T): number => indexIn(preferred, keyOf(item));
  const storedIndex = (item: T): number => indexIn(stored, keyOf(item));
  const storedRank = (item: T): number =>
    storedIndex(item) >= 0 ? storedIndex(item) : stored.length;
  const patched = merged
    .filter((item) => preferredIndex(item) >= 0)
    .sort((a, b) => preferredIndex(a) - preferredIndex(b));
  const storedOnly = merged
    .filter((item) => preferredIndex(item) < 0)
    .sort((a, b) => storedRank(a) - storedRank(b));
  const ordered: T[] = [];
  let s = 0;
  let p = 0;
  while (s < storedOnly.length && p < patched.length) {
    const left = storedIndex(storedOnly[s]!);
    const right = storedIndex(patched[p]!);
    ordered.push(left >= 0 && right >= 0 && left < right ? storedOnly[s++]! : patched[p++]!);
  }
  return [...ordered, ...storedOnly.slice(s), ...patched.slice(p)];
}

const PATCH_DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
/** Keys with a `$` that are data, not directives: JSON Schema's, in a CRD's `openAPIV3Schema`. */
const DOLLAR_DATA_KEYS = new Set(['$ref', '$schema']);

/** What one patch map asks for besides its fields. */
interface Directives {
  readonly fields: string[];
  patch?: 'replace' | 'delete' | 'merge';
  retainKeys?: unknown[];
  readonly order: Map<string, unknown>;
  readonly deletions: Map<string, unknown[]>;
}

const unknownPatchType = (type: unknown, map: unknown) =>
  badRequest(`unknown patch type: ${String(type)} in map: ${JSON.stringify(map)}`);

/** The field a `$setElementOrder/<field>` or `$deleteFromPrimitiveList/<field>` key names. */
function parallelListField(key: string, prefix: string, format: string): string {
  const field = key.startsWith(`${prefix}/`) ? key.slice(prefix.length + 1) : '';
  if (field === '') throw badRequest(`invalid patch format of ${format}`);
  return field;
}

function readDirectives(patch: JsonObject): Directives {
  const directives: Directives = { fields: [], order: new Map(), deletions: new Map() };
  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith('$') || DOLLAR_DATA_KEYS.has(key)) directives.fields.push(key);
    else if (key === PATCH_DIRECTIVE) {
      if (value !== 'replace' && value !== 'delete' && value !== 'merge') {
        throw unknownPatchType(value, patch);
      }
      directives.patch = value;
    } else if (key === RETAIN_KEYS) {
      if (!Array.isArray(value)) throw badRequest('invalid patch format of retainKeys');
      directives.retainKeys = value;
    } else if (key.startsWith(SET_ELEMENT_ORDER)) {
      const field = parallelListField(key, SET_ELEMENT_ORDER, 'setElementOrder list');
      if (!Array.isArray(value)) throw badRequest('invalid patch format of setElementOrder list');
      directives.order.set(field, value);
    } else if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      const field = parallelListField(key, DELETE_FROM_PRIMITIVE_LIST, 'primitive list');
      if (!Array.isArray(value)) throw badRequest('invalid patch format of primitive list');
      directives.deletions.set(field, value);
    } else {
      throw badRequest(`unknown strategic merge patch directive: ${key}`);
    }
  }
  return directives;
}

/** `$retainKeys`: fields the stored map keeps; every field the patch sets must be among them. */
function retainKeys(stored: JsonObject, patch: JsonObject, fields: string[], keep: unknown[]) {
  const kept = new Set(keep);
  if (fields.some((field) => patch[field] !== null && !kept.has(field))) {
    throw badRequest('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(stored)) if (!kept.has(key)) delete stored[key];
}

interface MergedList {
  readonly items: unknown[];
  readonly keyOf: (item: unknown) => unknown;
  /** Keys of the patch's items, in patch order; `$patch` items excluded. */
  readonly patchKeys: unknown[];
  /** Keys of the stored items that survived the patch's deletions, in stored order. */
  readonly storedKeys: unknown[];
  /** The stored order a `$setElementOrder` is reconciled with (see `mergeByKey`). */
  readonly orderBaseline: unknown[];
  readonly replaced: boolean;
}

function asMap(item: unknown): JsonObject {
  if (!isObject(item)) throw badRequest(`expected a map, but received ${JSON.stringify(item)}`);
  return item;
}

function mergeKeyOf(item: JsonObject, key: string): unknown {
  if (!Object.hasOwn(item, key)) {
    throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
  }
  return item[key];
}

function mergeScalars(stored: unknown[], patch: unknown[]): MergedList {
  for (const item of [...stored, ...patch]) {
    if (Array.isArray(item)) {
      throw new PatchError('lists of lists are not supported', 'Invalid');
    }
    if (isObject(item)) throw badRequest('cannot merge lists without merge key');
  }
  const unique = (values: unknown[]) => [...new Set(values)];
  return {
    items: unique([...stored, ...patch]),
    keyOf: (item) => item,
    patchKeys: unique(patch),
    storedKeys: stored,
    orderBaseline: stored,
    replaced: false,
  };
}

/**
 * Merges a list of maps on `key`. kube-apiserver deletes and appends in the stored list's own
 * memory, and its `$setElementOrder` pass then reads that list's first slots again: a deleted
 * item's place is taken by the items after it, and freed slots at the end by new items.
 * `orderBaseline` replays that, so server-only items end up where a real cluster puts them.
 */
function mergeByKey(
  stored: unknown[],
  patch: unknown[],
  key: string,
  path: string[],
  kind: string | undefined,
): MergedList {
  const keyOf = (item: unknown) => (isObject(item) ? ownField(item, key) : undefined);
  let items = stored.map(asMap);
  const slots = items.map(keyOf);
  let used = slots.length;
  const updates: JsonObject[] = [];
  let replaced = false;
  for (const item of patch.map(asMap)) {
    const directive = ownField(item, PATCH_DIRECTIVE);
    if (directive === undefined) updates.push(item);
    else if (directive === 'delete') {
      const gone = mergeKeyOf(item, key);
      items = items.filter((candidate) => keyOf(candidate) !== gone);
      for (let at = slots.indexOf(gone); at >= 0 && at < used; at = slots.indexOf(gone)) {
        slots.copyWithin(at, at + 1, used--);
      }
    } else if (directive === 'replace') replaced = true;
    else if (directive !== 'merge') throw unknownPatchType(directive, item);
    else if (Object.keys(item).length > 1) {
      updates.push(Object.fromEntries(Object.entries(item).filter(([k]) => k !== PATCH_DIRECTIVE)));
    }
  }
  if (replaced) {
    const replacement = updates.map((update) => mergeObject({}, update, path, kind));
    const keys = replacement.map(keyOf);
    return {
      items: replacement,
      keyOf,
      patchKeys: keys,
      storedKeys: [],
      orderBaseline: [],
      replaced,
    };
  }
  const storedKeys = items.map(keyOf);
  const patchKeys: unknown[] = [];
  for (const update of updates) {
    const value = mergeKeyOf(update, key);
    if (!patchKeys.includes(value)) patchKeys.push(value);
    const index = items.findIndex((candidate) => keyOf(candidate) === value);
    if (index >= 0) items[index] = mergeObject(items[index]!, update, path, kind);
    else {
      items.push(mergeObject({}, update, path, kind));
      if (used < slots.length) slots[used] = value;
      used++;
    }
  }
  return { items, keyOf, patchKeys, storedKeys, orderBaseline: slots, replaced };
}

/** Checks that the patch list names its items in the order `$setElementOrder` gives. */
function checkOrder(patchKeys: unknown[], orderKeys: unknown[]): void {
  let next = 0;
  for (const key of patchKeys) {
    while (next < orderKeys.length && orderKeys[next] !== key) next++;
    if (next++ >= orderKeys.length) {
      throw badRequest(
        `the order in patch list ${JSON.stringify(patchKeys)} doesn't match ${SET_ELEMENT_ORDER} list ${JSON.stringify(orderKeys)}`,
      );
    }
  }
}

function mergeMergingList(
  strategy: Exclude<ListStrategy, { type: 'replace' }>,
  stored: unknown[],
  patch: unknown[] | undefined,
  order: unknown,
  path: string[],
  kind: string | undefined,
): unknown[] {
  // A list of scalars merges as a set even where the table names a key, as in kube-apiserver.
  const first = [...stored, ...(patch ?? [])][0];
  const byKey = strategy.type === 'keyed' && isObject(first);
  if (!Array.isArray(order)) {
    const merged = byKey
      ? mergeByKey(stored, patch ?? [], strategy.key, path, kind)
      : mergeScalars(stored, patch ?? []);
    if (merged.replaced) return merged.items;
    return orderMergedItems(merged.items, merged.keyOf, merged.patchKeys, merged.storedKeys);
  }
  const keyOf = byKey
    ? (item: unknown) => mergeKeyOf(asMap(item), strategy.key)
    : (item: unknown) => item;
  const orderKeys = order.map(keyOf);
  // Only reordering: the stored items stay as they are, duplicates included.
  if (patch === undefined) return orderMergedItems(stored, keyOf, orderKeys, stored.map(keyOf));
  const merged = byKey
    ? mergeByKey(stored, patch, strategy.key, path, kind)
    : mergeScalars(stored, patch);
  checkOrder(merged.patchKeys, orderKeys);
  return orderMergedItems(merged.items, merged.keyOf, orderKeys, merged.orderBaseline);
}

function mergeList(
  stored: unknown[] | undefined,
  patch: unknown[] | undefined,
  directives: Directives,
  path: string[],
  kind: string | undefined,
): unknown[] | undefined {
  if (stored === undefined && patch === undefined) return undefined;
  const field = path.at(-1)!;
  const strategy = listStrategyAt(path, kind);
  const order = directives.order.get(field);
  let merged =
    strategy.type !== 'replace'
      ? mergeMergingList(strategy, stored ?? [], patch, order, path, kind)
      : patch !== undefined
        ? structuredClone(patch)
        : stored!;
  const deletions = directives.deletions.get(field);
  if (deletions) merged = merged.filter((item) => !deletions.some((gone) => gone === item));
  return merged;
}

function mergeField(
  stored: JsonObject,
  patch: JsonObject,
  field: string,
  directives: Directives,
  path: string[],
  kind: string | undefined,
): unknown {
  const current = ownField(stored, field);
  if (!Object.hasOwn(patch, field)) {
    // Only a `$setElementOrder` or `$deleteFromPrimitiveList` names this field.
    return Array.isArray(current) ? mergeList(current, undefined, directives, path, kind) : current;
  }
  const value = patch[field];
  if (value === null) return undefined;
  if (Array.isArray(value)) {
    return mergeList(Array.isArray(current) ? current : undefined, value, directives, path, kind);
  }
  if (!isObject(value)) return value;
  // Deleting a map the object does not have leaves it out, rather than adding an empty one.
  if (!isObject(current) && ownField(value, PATCH_DIRECTIVE) === 'delete') return current;
  return mergeObject(isObject(current) ? current : {}, value, path, kind);
}

/**
 * Merges `patch` into `stored`, which it owns and may change. A patch value for a field the stored
 * map lacks is merged into an empty value, so directives and `null`s never reach the result.
 */
function mergeObject(
  stored: JsonObject,
  patch: JsonObject,
  path: string[],
  kind: string | undefined,
): JsonObject {
  const directives = readDirectives(patch);
  // `$patch: delete` empties the map rather than removing its field, as kube-apiserver does.
  if (directives.patch === 'delete') return {};
  if (directives.patch === 'replace') {
    const rest = Object.fromEntries(Object.entries(patch).filter(([k]) => k !== PATCH_DIRECTIVE));
    return mergeObject({}, rest, path, kind);
  }
  if (directives.retainKeys) retainKeys(stored, patch, directives.fields, directives.retainKeys);
  const fields = new Set([
    ...directives.fields,
    ...directives.order.keys(),
    ...directives.deletions.keys(),
  ]);
  for (const field of fields) {
    const value = mergeField(stored, patch, field, directives, [...path, field], kind);
    if (value === undefined) delete stored[field];
    else setField(stored, field, value);
  }
  return stored;
}

/**
 * Merges a strategic merge patch into `stored`, which the caller owns: it is changed and returned.
 * Maps merge and `null` deletes as in a merge patch; lists `listStrategyAt` declares mergeable
 * merge item by item, others are replaced. Directives: `$patch: replace | delete | merge` on maps
 * and list items, `$retainKeys`, `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`;
 * any other `$` key is refused. Merged items end up where `orderMergedItems` puts them.
 *
 * @example mergeStrategically(deployment, {
 *   spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } },
 * }) // changes the image of container `web` only
 */
export function mergeStrategically(stored: JsonObject, patch: JsonObject): JsonObject {
  const kind = [stored.kind, patch.kind].find((value) => typeof value === 'string');
  return mergeObject(stored, patch, [], kind as string | undefined);
}
