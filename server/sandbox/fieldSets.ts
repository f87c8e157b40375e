/**
 * Sets of field paths, the currency of server-side apply: which fields an apply configuration
 * names, which a write changed, which a manager owns. A set is a tree keyed by path elements in
 * Kubernetes' FieldsV1 spelling (`f:spec`, `k:{"name":"web"}`, `v:"a"`, `i:0`), so the wire form
 * in `metadata.managedFields` is the tree itself with `.` marking a path that is a member while
 * also leading to members below it. The walkers at the end read objects through a `FieldShape`,
 * which says how each list and map is owned; `serverSideApply.ts` supplies the one for a kind.
 */
import { isDeepStrictEqual } from 'node:util';
import { isPlainObject } from './kubeObject.js';

/** One step of a field path: `f:<field>`, `k:<key fields, JSON>`, `v:<value, JSON>`, `i:<n>`. */
export type PathElement = string;

/** The elements from the object's root to a field, list item or set member. */
export type FieldPath = readonly PathElement[];

/** A set of field paths. `member` says whether the path leading here is itself in the set. */
export interface FieldSet {
  readonly member: boolean;
  readonly children: ReadonlyMap<PathElement, FieldSet>;
}

/** The wire form of a `FieldSet`: `{"f:spec":{"f:replicas":{}}}`, as `fieldsV1` holds it. */
export interface FieldsV1 {
  [element: string]: FieldsV1;
}

/** The set with no paths; what a manager owning nothing has (and is dropped for). */
export const EMPTY_FIELD_SET: FieldSet = { member: false, children: new Map() };

/** True when no path is in the set. Sets built here never keep empty subtrees. */
export const isEmptyFieldSet = (set: FieldSet): boolean => !set.member && set.children.size === 0;

/** Canonical JSON: object fields sorted, so equal keys always spell the same element. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const fields = Object.keys(value).sort();
    return `{${fields.map((f) => `${JSON.stringify(f)}:${canonicalJson(value[f])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The element of a map field: `fieldElement('spec')` → `f:spec`. */
export const fieldElement = (name: string): PathElement => `f:${name}`;

/** The element of an associative list item, from its key fields: `k:{"name":"web"}`. */
export const keyElement = (keys: Record<string, unknown>): PathElement =>
  `k:${canonicalJson(keys)}`;

/** The element of a member of a list of scalars kept as a set: `v:"example.com/a"`. */
export const valueElement = (value: unknown): PathElement => `v:${canonicalJson(value)}`;

/** Builds a set holding exactly `paths`. */
export function fieldSetOf(paths: Iterable<FieldPath>): FieldSet {
  let set = EMPTY_FIELD_SET;
  for (const path of paths) {
    let leaf: FieldSet = { member: true, children: new Map() };
    for (const element of [...path].reverse()) {
      leaf = { member: false, children: new Map([[element, leaf]]) };
    }
    set = unionOf(set, leaf);
  }
  return set;
}

const node = (member: boolean, children: Map<PathElement, FieldSet>): FieldSet => ({
  member,
  children,
});

function keepIfAny(children: Map<PathElement, FieldSet>, element: PathElement, set: FieldSet) {
  if (!isEmptyFieldSet(set)) children.set(element, set);
}

function unionOf(a: FieldSet, b: FieldSet): FieldSet {
  const children = new Map(a.children);
  for (const [element, child] of b.children) {
    const mine = a.children.get(element);
    children.set(element, mine ? unionOf(mine, child) : child);
  }
  return node(a.member || b.member, children);
}

/** Every path in any of `sets`. */
export const union = (...sets: FieldSet[]): FieldSet => sets.reduce(unionOf, EMPTY_FIELD_SET);

/** The paths of `a` that are not in `b`. A path leaves alone, not with the paths below it. */
export function difference(a: FieldSet, b: FieldSet): FieldSet {
  const children = new Map<PathElement, FieldSet>();
  for (const [element, child] of a.children) {
    const other = b.children.get(element);
    keepIfAny(children, element, other ? difference(child, other) : child);
  }
  return node(a.member && !b.member, children);
}

/** The paths in both `a` and `b`. */
export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  const children = new Map<PathElement, FieldSet>();
  for (const [element, child] of a.children) {
    const other = b.children.get(element);
    if (other) keepIfAny(children, element, intersection(child, other));
  }
  return node(a.member && b.member, children);
}

/**
 * `set` with every field (`f:`) on the way to a member made a member too. Kubernetes reasons this
 * way when it decides what an apply may remove: owning `spec.replicas` implies owning `spec`, but
 * owning a field inside container `web` does not imply owning the container item itself.
 */
export function withFieldAncestors(set: FieldSet, element: PathElement = ''): FieldSet {
  const children = new Map<PathElement, FieldSet>();
  for (const [childElement, child] of set.children) {
    children.set(childElement, withFieldAncestors(child, childElement));
  }
  return node(set.member || (element.startsWith('f:') && children.size > 0), children);
}

const ELEMENT_RANK: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** Kubernetes' element order: fields, then keys, values and indexes, each sorted within. */
function compareElements(a: PathElement, b: PathElement): number {
  const rank = (ELEMENT_RANK[a[0]!] ?? 4) - (ELEMENT_RANK[b[0]!] ?? 4);
  if (rank !== 0) return rank;
  if (a.startsWith('i:')) return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

const sortedChildren = (set: FieldSet): [PathElement, FieldSet][] =>
  [...set.children].sort(([a], [b]) => compareElements(a, b));

/**
 * The members of `set`, in the order Kubernetes lists them in conflicts: at each level the
 * members first, then what lies below each child.
 */
export function pathsOf(set: FieldSet, prefix: FieldPath = []): FieldPath[] {
  const children = sortedChildren(set);
  const here = children.filter(([, child]) => child.member).map(([e]) => [...prefix, e]);
  const below = children.flatMap(([element, child]) => pathsOf(child, [...prefix, element]));
  return [...here, ...below];
}

/** The wire form, `.` first and the other elements in Kubernetes' order. */
export function toFieldsV1(set: FieldSet): FieldsV1 {
  const wire: FieldsV1 = {};
  if (set.member && set.children.size > 0) wire['.'] = {};
  for (const [element, child] of sortedChildren(set)) wire[element] = toFieldsV1(child);
  return wire;
}

/** A `k:` or `v:` element spelled canonically, or `undefined` when its JSON does not parse. */
function canonicalElement(element: PathElement): PathElement | undefined {
  if (element.startsWith('f:')) return element;
  if (/^i:(0|[1-9]\d*)$/.test(element)) return element;
  if (!element.startsWith('k:') && !element.startsWith('v:')) return undefined;
  try {
    const value: unknown = JSON.parse(element.slice(2));
    if (element.startsWith('k:') && !isPlainObject(value)) return undefined;
    return `${element.slice(0, 2)}${canonicalJson(value)}`;
  } catch {
    return undefined;
  }
}

function readFieldsV1(wire: unknown, isRoot: boolean): FieldSet | undefined {
  if (!isPlainObject(wire)) return undefined;
  const children = new Map<PathElement, FieldSet>();
  let member = !isRoot && Object.keys(wire).length === 0;
  for (const [key, value] of Object.entries(wire)) {
    if (key === '.') {
      if (!isPlainObject(value) || Object.keys(value).length > 0) return undefined;
      member = !isRoot;
      continue;
    }
    const element = canonicalElement(key);
    const child = element === undefined ? undefined : readFieldsV1(value, false);
    if (element === undefined || child === undefined) return undefined;
    const known = children.get(element);
    children.set(element, known ? unionOf(known, child) : child);
  }
  return node(member, children);
}

/**
 * Reads the wire form back, `undefined` when `wire` is not one. `k:` and `v:` elements are
 * re-spelled canonically, so a client's `k:{"protocol":"TCP","containerPort":80}` matches ours.
 */
export const fromFieldsV1 = (wire: unknown): FieldSet | undefined => readFieldsV1(wire, true);

function formatElement(element: PathElement): string {
  const body = element.slice(2);
  if (element.startsWith('f:')) return `.${body}`;
  if (element.startsWith('i:')) return `[${body}]`;
  if (element.startsWith('v:')) return `[=${body}]`;
  const keys = JSON.parse(body) as Record<string, unknown>;
  return `[${Object.entries(keys)
    .map(([name, value]) => `${name}=${canonicalJson(value)}`)
    .join(',')}]`;
}

/**
 * A path as Kubernetes prints it in conflicts and status causes.
 *
 * @example formatPath(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image'])
 *   // '.spec.containers[name="web"].image'
 */
export const formatPath = (path: FieldPath): string => path.map(formatElement).join('');

/** How the items of a list are owned: the list whole, each scalar, or each item by key fields. */
export type ListType =
  | { readonly type: 'atomic' }
  | { readonly type: 'set' }
  | {
      readonly type: 'map';
      readonly keys: readonly string[];
      /** Values of key fields an item may leave out (a port's `protocol` is `TCP`). */
      readonly defaults?: Readonly<Record<string, unknown>>;
    };

/**
 * What the walkers need to know of a kind's schema. `names` is the path of field names from the
 * object's root, list items left out (a container's image is `spec.containers.image`).
 */
export interface FieldShape {
  listTypeAt(names: readonly string[]): ListType;
  /** Maps owned whole, like atomic lists (a label selector). */
  isAtomicMap(names: readonly string[]): boolean;
  /** Fields no manager owns (the server's metadata). */
  isUntracked(names: readonly string[]): boolean;
}

const ATOMIC: ListType = { type: 'atomic' };

/**
 * The list type `list` is actually handled with: a keyed list whose items are not all maps, or
 * a set with maps in it, is owned whole rather than failing the request.
 */
export function effectiveListType(list: readonly unknown[], type: ListType): ListType {
  if (type.type === 'map' && !list.every(isPlainObject)) return ATOMIC;
  if (type.type === 'set' && list.some((item) => isPlainObject(item) || Array.isArray(item))) {
    return ATOMIC;
  }
  return type;
}

/** The element naming `item` in a list of type `type` (`set` or `map`). */
export function itemElement(item: unknown, type: ListType): PathElement {
  if (type.type !== 'map' || !isPlainObject(item)) return valueElement(item);
  const keys: Record<string, unknown> = {};
  for (const name of type.keys) {
    const value = Object.hasOwn(item, name) ? item[name] : type.defaults?.[name];
    if (value !== undefined) keys[name] = value;
  }
  return keyElement(keys);
}

interface Child {
  readonly element: PathElement;
  readonly value: unknown;
  readonly names: readonly string[];
  readonly isItem: boolean;
}

/** The children of the value at `names`, or `undefined` for a leaf (scalars, atomic values). */
function childrenOf(
  value: unknown,
  names: readonly string[],
  shape: FieldShape,
): Child[] | undefined {
  if (Array.isArray(value)) {
    const type = effectiveListType(value, shape.listTypeAt(names));
    if (type.type === 'atomic') return undefined;
    return value.map((item) => ({
      element: itemElement(item, type),
      value: item,
      names,
      isItem: true,
    }));
  }
  if (!isPlainObject(value) || shape.isAtomicMap(names)) return undefined;
  const children: Child[] = [];
  for (const [field, child] of Object.entries(value)) {
    const childNames = [...names, field];
    if (shape.isUntracked(childNames)) continue;
    children.push({ element: fieldElement(field), value: child, names: childNames, isItem: false });
  }
  return children;
}

/** The set of `value`'s children, each a member when `isMember` says so. */
function walkSet(
  value: unknown,
  names: readonly string[],
  shape: FieldShape,
  isMember: (child: Child, grandchildren: Child[] | undefined) => boolean,
): FieldSet {
  const children = new Map<PathElement, FieldSet>();
  for (const child of childrenOf(value, names, shape) ?? []) {
    const grandchildren = childrenOf(child.value, child.names, shape);
    const below = walkSet(child.value, child.names, shape, isMember);
    const set = node(isMember(child, grandchildren) || below.member, new Map(below.children));
    const known = children.get(child.element);
    keepIfAny(children, child.element, known ? unionOf(known, set) : set);
  }
  return node(false, children);
}

/**
 * The fields an apply configuration sets, as Kubernetes records them for its manager: leaves
 * (scalars, `null`, atomic lists and maps, empty maps) and the items of sets and associative
 * lists, but not the maps on the way, which belong to whoever owns something inside them.
 */
export const appliedFieldSet = (value: unknown, shape: FieldShape): FieldSet =>
  walkSet(
    value,
    [],
    shape,
    (child, grandchildren) =>
      grandchildren === undefined ||
      child.isItem ||
      (isPlainObject(child.value) && Object.keys(child.value).length === 0),
  );

/** Every path in `value`: maps, items and leaves alike. */
export const everyFieldOf = (value: unknown, shape: FieldShape): FieldSet =>
  walkSet(value, [], shape, () => true);

/** What changed between two versions of an object, as sets of paths. */
export interface FieldChanges {
  /** Leaves present in both whose values differ. */
  readonly modified: FieldSet;
  /** Paths only the newer version has, maps and items included. */
  readonly added: FieldSet;
  /** Paths only the older version has. */
  readonly removed: FieldSet;
}

function indexChildren(children: Child[]): Map<PathElement, Child> {
  const index = new Map<PathElement, Child>();
  for (const child of children) if (!index.has(child.element)) index.set(child.element, child);
  return index;
}

function subtreeOf(child: Child, shape: FieldShape): FieldSet {
  const below = walkSet(child.value, child.names, shape, () => true);
  return node(true, new Map(below.children));
}

function compareAt(before: unknown, after: unknown, names: readonly string[], shape: FieldShape) {
  const modified = new Map<PathElement, FieldSet>();
  const added = new Map<PathElement, FieldSet>();
  const removed = new Map<PathElement, FieldSet>();
  const older = indexChildren(childrenOf(before, names, shape) ?? []);
  const newer = indexChildren(childrenOf(after, names, shape) ?? []);
  for (const [element, child] of older) {
    if (!newer.has(element)) removed.set(element, subtreeOf(child, shape));
  }
  for (const [element, child] of newer) {
    const previous = older.get(element);
    if (!previous) {
      added.set(element, subtreeOf(child, shape));
      continue;
    }
    const wasLeaf = childrenOf(previous.value, previous.names, shape) === undefined;
    const isLeaf = childrenOf(child.value, child.names, shape) === undefined;
    const changes = compareAt(previous.value, child.value, child.names, shape);
    // A leaf that changed, or a leaf turned map (or back), is a modification of the path itself.
    const changed = (wasLeaf || isLeaf) && !isDeepStrictEqual(previous.value, child.value);
    keepIfAny(modified, element, node(changed, new Map(changes.modified.children)));
    keepIfAny(added, element, changes.added);
    keepIfAny(removed, element, changes.removed);
  }
  return {
    modified: node(false, modified),
    added: node(false, added),
    removed: node(false, removed),
  };
}

/** Compares two versions of an object field by field, lists item by item under their keys. */
export const compareFields = (before: unknown, after: unknown, shape: FieldShape): FieldChanges =>
  compareAt(before, after, [], shape);

const isEmptyContainer = (value: unknown): boolean =>
  Array.isArray(value)
    ? value.length === 0
    : isPlainObject(value) && Object.keys(value).length === 0;

function removeAt(
  value: unknown,
  set: FieldSet,
  names: readonly string[],
  shape: FieldShape,
): unknown {
  if (Array.isArray(value)) {
    const type = effectiveListType(value, shape.listTypeAt(names));
    if (type.type === 'atomic') return value;
    return value.flatMap((item) => {
      const gone = set.children.get(itemElement(item, type));
      if (!gone) return [item];
      return gone.member ? [] : [removeAt(item, gone, names, shape)];
    });
  }
  if (!isPlainObject(value) || shape.isAtomicMap(names)) return value;
  const kept: Record<string, unknown> = {};
  for (const [field, child] of Object.entries(value)) {
    const gone = set.children.get(fieldElement(field));
    if (gone?.member) continue;
    const rest = gone ? removeAt(child, gone, [...names, field], shape) : child;
    // A map or list emptied by the removal goes too, as it does in Kubernetes.
    if (gone && isEmptyContainer(rest) && !isEmptyContainer(child)) continue;
    Object.defineProperty(kept, field, {
      value: rest,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return kept;
}

/**
 * A copy of `value` without the members of `set`, each taken with everything below it. Maps
 * and lists left empty by the removal are removed as well.
 */
export const removeFields = <T>(value: T, set: FieldSet, shape: FieldShape): T =>
  removeAt(value, set, [], shape) as T;
