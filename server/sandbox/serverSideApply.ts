/**
 * Server-side apply and the `metadata.managedFields` bookkeeping behind it, as kube-apiserver does
 * them: every write records which manager set which fields, an apply merges its configuration
 * into the stored object, refuses to change fields other managers own unless forced, and removes
 * the fields its manager applied last time and no longer does. Pure functions on plain objects;
 * the request handler parses the body, checks preconditions and answers the 409.
 */
import { isDeepStrictEqual } from 'node:util';
import type { StatusCause } from './apiStatus.js';
import {
  appliedFieldSet,
  compareFields,
  difference,
  EMPTY_FIELD_SET,
  effectiveListType,
  everyFieldOf,
  fieldSetOf,
  formatPath,
  intersection,
  isEmptyFieldSet,
  itemElement,
  pathsOf,
  removeFields,
  union,
  withFieldAncestors,
  type FieldSet,
  type FieldShape,
  type ListType,
} from './fieldSets.js';
import { isPlainObject, ownField, setField, timestamp, type KubeObject } from './kubeObject.js';
import {
  identityOf,
  readManagedFields,
  writeManagedFields,
  type Identity,
  type Managed,
  type ManagedFieldsEntry,
  type ManagedFieldsOperation,
} from './managedFields.js';
import { listStrategyAt } from './strategicMerge.js';

/** A field an apply would change that another manager owns. */
export interface ApplyConflict {
  readonly manager: string;
  readonly operation: ManagedFieldsOperation;
  readonly apiVersion: string;
  readonly subresource?: string;
  /** As Kubernetes prints paths: `.spec.replicas`, `.spec.containers[name="web"].image`. */
  readonly field: string;
}

const TOP_LEVEL_IDENTITY = new Set(['apiVersion', 'kind']);
const UNTRACKED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
  'managedFields',
]);
/** Metadata an apply cannot set: the server's (a `resourceVersion` is only a precondition). */
const SERVER_SET_METADATA = new Set(
  [...UNTRACKED_METADATA].filter((f) => f !== 'name' && f !== 'namespace'),
);

const isMetadataField = (names: readonly string[], fields: Set<string>): boolean =>
  names.length === 2 && names[0] === 'metadata' && fields.has(names[1]!);

/** Fields typed `LabelSelector`, which Kubernetes owns whole. */
const SELECTOR_FIELDS = new Set(['selector', 'labelSelector', 'namespaceSelector', 'podSelector']);
/** Kinds whose `spec.selector` is a plain map of labels, owned label by label. */
const MAP_SELECTOR_KINDS = new Set(['Service', 'ReplicationController']);

const ATOMIC: ListType = { type: 'atomic' };
const BY_PROTOCOL = { protocol: 'TCP' };

/**
 * Built-in kinds live in groups without a dot (`apps`, `batch`) or under `k8s.io`; a custom
 * resource's group always has a dot, and its lists are atomic unless its schema says otherwise.
 */
function isBuiltIn(apiVersion: unknown): boolean {
  if (typeof apiVersion !== 'string' || !apiVersion.includes('/')) return true;
  const group = apiVersion.slice(0, apiVersion.indexOf('/'));
  return !group.includes('.') || group.endsWith('.k8s.io');
}

/**
 * How server-side apply owns a list: the keys of strategic merge patch, except that ports are
 * told apart by protocol too (a TCP and a UDP port 53 are two items) and that spread constraints
 * are keyed by `whenUnsatisfiable` as well. Lists without a merge key are atomic.
 */
function builtInListType(names: readonly string[], kind: string): ListType {
  const strategy = listStrategyAt(names, kind);
  if (strategy.type === 'replace') return ATOMIC;
  if (strategy.type === 'set') return strategy;
  if (strategy.key === 'containerPort' || strategy.key === 'port') {
    return { type: 'map', keys: [strategy.key, 'protocol'], defaults: BY_PROTOCOL };
  }
  if (names.at(-1) === 'topologySpreadConstraints') {
    return { type: 'map', keys: ['topologyKey', 'whenUnsatisfiable'] };
  }
  return { type: 'map', keys: [strategy.key] };
}

/** The shape of objects of `kind`, served as `apiVersion`. */
export function fieldShapeOf({
  apiVersion,
  kind,
}: Pick<KubeObject, 'apiVersion' | 'kind'>): FieldShape {
  const builtIn = isBuiltIn(apiVersion);
  return {
    listTypeAt: (names) =>
      builtIn || names[0] === 'metadata' ? builtInListType(names, kind) : ATOMIC,
    isAtomicMap: (names) =>
      builtIn &&
      SELECTOR_FIELDS.has(names.at(-1) ?? '') &&
      !(names.join('.') === 'spec.selector' && MAP_SELECTOR_KINDS.has(kind)),
    isUntracked: (names) =>
      (names.length === 1 && TOP_LEVEL_IDENTITY.has(names[0]!)) ||
      isMetadataField(names, UNTRACKED_METADATA),
  };
}

/**
 * Merges the items of two lists the way an apply does: the live items the configuration does not
 * name keep their places, the named ones follow the configuration's order, and a new item goes
 * right after the configuration's item before it.
 */
function mergeItems(
  live: readonly unknown[],
  applied: readonly unknown[],
  elementOf: (item: unknown) => string,
  combine: (live: unknown, applied: unknown) => unknown,
): unknown[] {
  const liveElements = live.map(elementOf);
  const appliedElements = applied.map(elementOf);
  const liveItems = new Map<string, unknown>();
  live.forEach(
    (item, i) => liveItems.has(liveElements[i]!) || liveItems.set(liveElements[i]!, item),
  );
  const appliedItems = new Map(applied.map((item, i) => [appliedElements[i]!, item]));
  const shared = appliedElements.filter((element) => liveItems.has(element));
  const merged: unknown[] = [];
  const done = new Set<string>();
  const emit = (element: string) => {
    if (done.has(element)) return;
    done.add(element);
    merged.push(combine(liveItems.get(element), appliedItems.get(element)));
    if (shared[0] === element) shared.shift();
  };
  for (let l = 0, a = 0; l < live.length || a < applied.length;) {
    const element = liveElements[l];
    if (element !== undefined) {
      if (!appliedItems.has(element)) {
        merged.push(live[l++]);
        continue;
      }
      // A live item the configuration names waits for its turn in the configuration's order.
      if (done.has(element) || (element !== appliedElements[a] && element !== shared[0])) {
        l++;
        continue;
      }
      if (element === appliedElements[a] || a >= applied.length) l++;
    }
    if (a < applied.length) emit(appliedElements[a++]!);
  }
  return merged;
}

function mergeList(live: unknown, applied: unknown[], names: string[], shape: FieldShape) {
  const current = Array.isArray(live) ? live : [];
  const type = effectiveListType([...current, ...applied], shape.listTypeAt(names));
  if (type.type === 'atomic') return structuredClone(applied);
  return mergeItems(
    current,
    applied,
    (item) => itemElement(item, type),
    (liveItem, appliedItem) =>
      type.type === 'set' ? appliedItem : mergeValue(liveItem, appliedItem, names, shape),
  );
}

/** The applied value merged into the live one; `undefined` when the field is to go (a `null`). */
function mergeValue(live: unknown, applied: unknown, names: string[], shape: FieldShape): unknown {
  if (applied === null) return undefined;
  if (Array.isArray(applied)) return mergeList(live, applied, names, shape);
  if (!isPlainObject(applied)) return applied;
  if (shape.isAtomicMap(names)) return structuredClone(applied);
  const merged: Record<string, unknown> = isPlainObject(live) ? { ...live } : {};
  for (const [field, value] of Object.entries(applied)) {
    const childNames = [...names, field];
    if (isMetadataField(childNames, SERVER_SET_METADATA)) continue;
    const result = mergeValue(ownField(merged, field), value, childNames, shape);
    if (result === undefined) delete merged[field];
    else setField(merged, field, result);
  }
  return merged;
}

/** `object` without `metadata.managedFields`, as a copy the caller owns. */
function bodyOf(object: KubeObject): KubeObject {
  const { managedFields: _managed, ...metadata } = object.metadata;
  return structuredClone({ ...object, metadata });
}

/**
 * Top-level sections every object of a kind has, so adding them is not owning them: Kubernetes
 * writes `f:spec: {f:replicas: {}}`, not `f:spec: {.: {}, ...}`.
 */
const ALWAYS_PRESENT = fieldSetOf([['f:metadata'], ['f:spec'], ['f:status']]);

/** The fields an update takes: those it changed or added. */
function fieldsTakenBy(before: unknown, after: unknown, shape: FieldShape) {
  const changes = compareFields(before, after, shape);
  return { taken: difference(union(changes.modified, changes.added), ALWAYS_PRESENT), changes };
}

/** Result of `applyConfiguration`: the object to store, or the conflicts that stop the apply. */
export type ApplyResult =
  | { readonly object: KubeObject; readonly conflicts: readonly [] }
  | { readonly object: undefined; readonly conflicts: readonly ApplyConflict[] };

/** What `applyConfiguration` needs: the request's object, body and query parameters. */
export interface ApplyRequest {
  /** The stored object, `undefined` when the apply creates it. */
  readonly live: KubeObject | undefined;
  /** The apply configuration, checked to have `apiVersion`, `kind` and `metadata.name`. */
  readonly applied: KubeObject;
  readonly manager: string;
  readonly force: boolean;
  /** The version the configuration was applied with (`apps/v1`). */
  readonly apiVersion: string;
  readonly now?: Date;
  /** `status` when applied to the status subresource; the caller keeps `applied` to status. */
  readonly subresource?: string;
}

/** The manager Kubernetes invents for an object that has fields but no `managedFields` yet. */
const BEFORE_FIRST_APPLY = 'before-first-apply';

/** The entries an apply starts from: the stored ones, or one owning everything if none. */
function managedBeforeApply(live: KubeObject, before: unknown, shape: FieldShape, time: string) {
  const managed = readManagedFields(live.metadata.managedFields);
  if (managed.length > 0) return managed;
  const set = fieldsTakenBy({}, before, shape).taken;
  const apiVersion = live.apiVersion;
  return [{ manager: BEFORE_FIRST_APPLY, operation: 'Update' as const, apiVersion, time, set }];
}

/** Every configuration names the object, so its metadata always has an owner. */
const NAMED_BY_EVERY_APPLY = fieldSetOf([['f:metadata']]);

/**
 * `merged` without the fields the applier owned (`previous`) and no longer applies, unless some
 * manager still owns them. Owning a field inside a map keeps the map; owning a field inside a
 * list item does not keep the item, as in Kubernetes.
 */
function withoutDropped(
  merged: unknown,
  previous: FieldSet,
  owners: readonly FieldSet[],
  shape: FieldShape,
): unknown {
  const owned = withFieldAncestors(union(NAMED_BY_EVERY_APPLY, ...owners));
  const dropped = intersection(everyFieldOf(merged, shape), withFieldAncestors(previous));
  return removeFields(merged, difference(dropped, owned), shape);
}

const conflictsWith = (other: Managed, touched: FieldSet): ApplyConflict[] =>
  pathsOf(intersection(other.set, touched)).map((path) => ({
    manager: other.manager,
    operation: other.operation,
    apiVersion: other.apiVersion,
    ...(other.subresource ? { subresource: other.subresource } : {}),
    field: formatPath(path),
  }));

/**
 * Server-side apply (`PATCH` with `application/apply-patch+yaml`). The configuration becomes its
 * manager's `Apply` entry; its values merge into the live object (maps by field, associative
 * lists by key, the rest replaced); fields the manager applied before and no longer names are
 * removed unless another manager owns them. Changing a field another manager owns is a conflict
 * unless `force`, which moves the field to the applier; applying a value equal to the live one
 * is never a conflict and makes both managers owners. An object stored before any field was
 * tracked counts as owned by `before-first-apply`. Nothing given is changed.
 *
 * @example applyConfiguration({ live, applied, manager: 'ci', force: false, apiVersion: 'apps/v1' })
 *   // { object: undefined, conflicts: [{ manager: 'kubectl-edit', field: '.spec.replicas' }] }
 */
export function applyConfiguration(request: ApplyRequest): ApplyResult {
  const { live, applied, manager, force, apiVersion, subresource } = request;
  const time = timestamp(request.now ?? new Date());
  const shape = fieldShapeOf(applied);
  const before: unknown = live ? bodyOf(live) : {};
  const managed = live ? managedBeforeApply(live, before, shape, time) : [];
  const self: Identity = { manager, operation: 'Apply', apiVersion, subresource };
  const previous = managed.find((entry) => identityOf(entry) === identityOf(self));
  const others = managed.filter((entry) => entry !== previous);
  const appliedSet = appliedFieldSet(applied, shape);

  const merged = mergeValue(before, applied, [], shape);
  const owners = [appliedSet, ...others.map((other) => other.set)];
  const object = withoutDropped(merged, previous?.set ?? EMPTY_FIELD_SET, owners, shape);
  const changes = compareFields(before, object, shape);
  // A `null` in the configuration removes a field, and changes it as far as its owners go.
  const touched = union(changes.modified, changes.added, intersection(changes.removed, appliedSet));
  const conflicts = others.flatMap((other) => conflictsWith(other, touched));
  if (conflicts.length > 0 && !force) {
    return { object: undefined, conflicts: sortConflicts(conflicts) };
  }

  const unchanged = isDeepStrictEqual(before, object);
  const managedFields = writeManagedFields([
    ...others.map((other) => ({
      ...other,
      set: difference(difference(other.set, touched), changes.removed),
    })),
    { ...self, time: unchanged ? (previous?.time ?? time) : time, set: appliedSet },
  ]);
  const stored = object as KubeObject;
  const tracked = managedFields.length > 0 ? { managedFields } : {};
  return { object: { ...stored, metadata: { ...stored.metadata, ...tracked } }, conflicts: [] };
}

/** Conflicts grouped by manager in the order kube-apiserver sorts managers; paths keep theirs. */
const sortConflicts = (conflicts: readonly ApplyConflict[]): ApplyConflict[] =>
  [...conflicts].sort((a, b) => {
    const [p, q] = [identityOf(a), identityOf(b)];
    return p < q ? -1 : p > q ? 1 : 0;
  });

/** A manager as kube-apiserver names it in conflicts: `"kubectl-edit" using apps/v1`. */
function describeManager(conflict: ApplyConflict): string {
  let name = JSON.stringify(conflict.manager);
  if (conflict.subresource) name += ` with subresource ${JSON.stringify(conflict.subresource)}`;
  return conflict.operation === 'Update' ? `${name} using ${conflict.apiVersion}` : name;
}

/**
 * The message and causes of the 409 `Conflict` an apply with conflicts is answered with, worded
 * as kube-apiserver words them (kubectl prints the message and its advice after it).
 *
 * @example applyConflictStatus([{ manager: 'kubectl-client-side-apply', operation: 'Update',
 *   apiVersion: 'apps/v1', field: '.spec.replicas' }]).message
 *   // 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1:
 *   //  .spec.replicas' (on one line)
 */
export function applyConflictStatus(conflicts: readonly ApplyConflict[]): {
  message: string;
  causes: StatusCause[];
} {
  const causes = conflicts.map((conflict) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describeManager(conflict)}`,
    field: conflict.field,
  }));
  const [only] = conflicts;
  if (conflicts.length === 1 && only) {
    return {
      message: `Apply failed with 1 conflict: conflict with ${describeManager(only)}: ${only.field}`,
      causes,
    };
  }
  const groups = new Map<string, ApplyConflict[]>();
  for (const conflict of sortConflicts(conflicts)) {
    const key = identityOf(conflict);
    groups.set(key, [...(groups.get(key) ?? []), conflict]);
  }
  const lines = [...groups.values()].flatMap((group) => [
    `conflicts with ${describeManager(group[0]!)}:`,
    ...group.map((conflict) => `- ${conflict.field}`),
  ]);
  return {
    message: `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`,
    causes,
  };
}

/** A write that is not an apply, as `recordUpdate` needs to see it. */
export interface UpdateRecord {
  /** The stored object, `undefined` for a create. */
  readonly before: KubeObject | undefined;
  /** The object about to be stored. */
  readonly after: KubeObject;
  readonly manager: string;
  /** The version the request used (`apps/v1`). */
  readonly apiVersion: string;
  readonly now?: Date;
  readonly operation?: 'Update';
  /** `status` for writes to the status subresource, recorded in an entry of their own. */
  readonly subresource?: string;
}

/** An empty list, or one empty entry: how a client asks for `managedFields` to start over. */
const isReset = (entries: unknown): boolean =>
  Array.isArray(entries) &&
  (entries.length === 0 ||
    (entries.length === 1 && isPlainObject(entries[0]) && Object.keys(entries[0]).length === 0));

/**
 * The entries an update starts from. A client may rewrite `managedFields` through the main
 * resource (or clear them), but one that leaves them out or sends garbage keeps the stored ones.
 */
function managedBeforeUpdate({ before, after, subresource }: UpdateRecord): Managed[] {
  const stored = readManagedFields(before?.metadata.managedFields);
  if (subresource) return stored;
  const sent = after.metadata.managedFields;
  if (isReset(sent)) return [];
  const decoded = readManagedFields(sent);
  return decoded.length > 0 ? decoded : stored;
}

/**
 * The `managedFields` of an object after a write that is not an apply (create, replace, JSON,
 * merge or strategic merge patch, status update). The fields whose values the write changed or
 * added join the manager's `Update` entry and leave every other manager, appliers included;
 * fields it removed leave everyone. An entry's `time` moves only when its manager changed
 * something.
 *
 * @example recordUpdate({ before, after: scaled, manager: 'kubectl', apiVersion: 'apps/v1' })
 *   // the `kubectl` Update entry now owns `.spec.replicas`; the applier that set it does not
 */
export function recordUpdate(update: UpdateRecord): ManagedFieldsEntry[] {
  const { before, after, manager, apiVersion, subresource } = update;
  const shape = fieldShapeOf(after);
  const managed = managedBeforeUpdate(update);
  const { taken, changes } = fieldsTakenBy(before ? bodyOf(before) : {}, bodyOf(after), shape);
  const self: Identity = { manager, operation: 'Update', apiVersion, subresource };
  const previous = managed.find((entry) => identityOf(entry) === identityOf(self));
  const entries: Managed[] = managed
    .filter((entry) => entry !== previous)
    .map((entry) => ({ ...entry, set: difference(difference(entry.set, taken), changes.removed) }));
  const set = union(difference(previous?.set ?? EMPTY_FIELD_SET, changes.removed), taken);
  const time = isEmptyFieldSet(taken) ? previous?.time : timestamp(update.now ?? new Date());
  entries.push({ ...self, ...(time !== undefined ? { time } : {}), set });
  return writeManagedFields(entries);
}
