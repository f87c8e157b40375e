/**
 * A live object as a design holds it: what people and their tools set, without what the
 * cluster keeps about it or filled in by itself.
 * - Gone always: `status`, the server's metadata (`uid`, `resourceVersion`, `generation`,
 *   `creationTimestamp`, `selfLink`, `managedFields`, deletion marks), `ownerReferences` (they
 *   name uids of this cluster, which a deployed design would not have), `kubectl apply`'s copy
 *   of the last configuration, and the marks of an earlier Weft deploy (a new design gets its
 *   own).
 * - Kept only when some writer other than the cluster's components set it (`fieldOwnership`),
 *   and, unless a server-side applier set it, when it is not the API server's own default or
 *   allocation (`serverDefaults`).
 * Maps and lists left empty by what was dropped go too, as when Kubernetes removes fields.
 */
import { COMPONENT_ANNOTATION, DESIGN_LABEL } from '../../shared/deploy/deployment.js';
import {
  asJsonObject,
  isJsonObject,
  type JsonObject,
  type JsonValue,
} from '../../shared/design/model.js';
import {
  fieldTree,
  itemTree,
  ownershipOf,
  ownsWhole,
  type FieldTree,
  type Owned,
} from './fieldOwnership.js';
import { isServerDefault } from './serverDefaults.js';

/** Metadata the API server keeps about an object rather than in it. */
const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'generation',
  'selfLink',
  'managedFields',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'ownerReferences',
];

/**
 * Annotations written about an object, not by whoever meant it: tools' bookkeeping and
 * controllers' notes. Controllers' writes are dropped by ownership already; naming them here
 * drops them from objects that carry no `managedFields` too.
 */
const NOT_IMPORTED_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  COMPONENT_ANNOTATION,
  'deployment.kubernetes.io/revision',
  'pv.kubernetes.io/bind-completed',
  'pv.kubernetes.io/bound-by-controller',
  'volume.beta.kubernetes.io/storage-provisioner',
  'volume.kubernetes.io/storage-provisioner',
  'volume.kubernetes.io/selected-node',
]);
const NOT_IMPORTED_LABELS = new Set([DESIGN_LABEL]);

/** What every field of one object is judged against. */
interface Walk {
  kind: string;
  /** The live object as read, for rules that compare with its uid or name. */
  object: JsonObject;
}

/** The object a design holds for `live`, an object as the cluster serves it. */
export function designObjectOf(live: JsonObject): JsonObject {
  const { apiVersion, kind, metadata: liveMetadata, status: _status, ...body } = live;
  const metadata = asJsonObject(liveMetadata);
  const { set, applied } = ownershipOf(metadata.managedFields);
  const walk: Walk = { kind: String(kind), object: live };
  const { metadata: keptMetadata, ...kept } = keepMap(
    { ...body, metadata: withoutServerMetadata(metadata) },
    set,
    applied,
    [],
    walk,
  );
  // Name and namespace say which object this is: kept whoever wrote them.
  const identity: JsonObject = { name: metadata.name ?? '' };
  if (typeof metadata.namespace === 'string') identity.namespace = metadata.namespace;
  return {
    apiVersion: apiVersion ?? '',
    kind: kind ?? '',
    metadata: { ...identity, ...asJsonObject(keptMetadata) },
    ...kept,
  };
}

function withoutServerMetadata(metadata: JsonObject): JsonObject {
  const rest: JsonObject = {};
  for (const [field, value] of Object.entries(metadata)) {
    if (SERVER_METADATA.includes(field) || field === 'name' || field === 'namespace') continue;
    const kept =
      field === 'labels'
        ? without(value, NOT_IMPORTED_LABELS)
        : field === 'annotations'
          ? without(value, NOT_IMPORTED_ANNOTATIONS)
          : value;
    if (kept !== undefined) rest[field] = kept;
  }
  return rest;
}

/** `map` without `keys`; undefined when nothing is left of it. */
function without(map: JsonValue, keys: ReadonlySet<string>): JsonObject | undefined {
  const entries = Object.entries(asJsonObject(map)).filter(([key]) => !keys.has(key));
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** The fields of `map` that are kept; `path` names it from the object's root. */
function keepMap(
  map: JsonObject,
  set: Owned,
  applied: FieldTree | undefined,
  path: readonly string[],
  walk: Walk,
): JsonObject {
  const kept: JsonObject = {};
  for (const [name, value] of Object.entries(map)) {
    const fieldSet = fieldTree(set, name);
    // Appliers are among those who set fields, so a field nobody set nobody applied either.
    if (fieldSet === undefined) continue;
    const fieldApplied = fieldTree(applied, name) as FieldTree | undefined;
    const fieldPath = [...path, name];
    if (
      fieldApplied === undefined &&
      isServerDefault(walk.kind, fieldPath, { value, parent: map, object: walk.object })
    ) {
      continue;
    }
    const keptValue = keepValue(value, fieldSet, fieldApplied, fieldPath, walk);
    if (keptValue !== undefined) kept[name] = keptValue;
  }
  return kept;
}

/** `value` with what is not kept taken out; undefined when that empties it. */
function keepValue(
  value: JsonValue,
  set: Owned,
  applied: FieldTree | undefined,
  path: readonly string[],
  walk: Walk,
): JsonValue | undefined {
  if (ownsWhole(set)) return value;
  if (Array.isArray(value)) {
    const items = value.flatMap((item, index) => {
      const itemSet = itemTree(set, item, index);
      if (itemSet === undefined) return [];
      const itemApplied = itemTree(applied, item, index) as FieldTree | undefined;
      const kept = keepValue(item, itemSet, itemApplied, path, walk);
      return kept === undefined ? [] : [kept];
    });
    return items.length === 0 && value.length > 0 ? undefined : items;
  }
  if (isJsonObject(value)) {
    const kept = keepMap(value, set, applied, path, walk);
    return Object.keys(kept).length === 0 && Object.keys(value).length > 0 ? undefined : kept;
  }
  return value;
}
