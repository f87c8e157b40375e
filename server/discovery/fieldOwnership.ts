/**
 * Who set which field of a live object, from its `metadata.managedFields`: every field a write
 * touched is recorded under the writer's field manager, as a FieldsV1 tree (`{"f:spec":
 * {"f:replicas": {}}}`). Discovery keeps what people and their tools set, and so needs two
 * trees:
 * - `set`: the fields of every manager but the cluster's own components, whose writes
 *   (a Deployment's revision annotation, a claim's bound volume, status) are not intent;
 * - `applied`: the fields of server-side appliers. An apply records exactly the fields of its
 *   configuration, never the defaults filled in after it, so these are intent for certain.
 *   Other writes (create, replace, patch) record every field they changed *after* defaulting,
 *   defaults included: those need the table in `serverDefaults.ts`.
 * An object with no `managedFields` at all (written before they existed, or by a cluster that
 * strips them) counts as set whole by someone unknown: `set` is `EVERY_FIELD`.
 *
 * List items are matched as the API server names them: `k:{"port":80,"protocol":"TCP"}` is the
 * item whose `port` and `protocol` have those values, `v:"a"` the item equal to "a", `i:0` the
 * first item. Matching by value this way needs no schema.
 */
import { isDeepStrictEqual } from 'node:util';
import { asJsonObject, isJsonObject, type JsonValue } from '../../shared/design/model.js';

/** A FieldsV1 tree: `{}` is a field owned whole; `.` marks a map or item owned as well. */
export interface FieldTree {
  [element: string]: FieldTree;
}

/** Stands for "every field", for objects whose writers nobody recorded. */
export const EVERY_FIELD = 'every field';
export type Owned = FieldTree | typeof EVERY_FIELD;

export interface Ownership {
  set: Owned;
  /** Never `EVERY_FIELD`: nobody applied an object whose writers nobody recorded. */
  applied: FieldTree | undefined;
}

/**
 * Managers of Kubernetes' own components. Their writes are the cluster's doing: controllers
 * annotating and binding, the scheduler placing pods, kubelets reporting.
 */
const CLUSTER_MANAGERS: ReadonlySet<string> = new Set([
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubelet',
  'cloud-controller-manager',
]);

/** The two trees of a live object's `metadata.managedFields`. */
export function ownershipOf(managedFields: unknown): Ownership {
  const entries = Array.isArray(managedFields) ? managedFields.map(asJsonObject) : [];
  const readable = entries.filter((entry) => isJsonObject(entry.fieldsV1));
  if (readable.length === 0) return { set: EVERY_FIELD, applied: undefined };
  // Status writes own only status, which no design holds.
  const people = readable.filter(
    (entry) => !CLUSTER_MANAGERS.has(String(entry.manager ?? '')) && entry.subresource !== 'status',
  );
  const trees = (list: typeof people) => list.map((entry) => entry.fieldsV1 as FieldTree);
  return {
    set: mergeTrees(trees(people)) ?? {},
    applied: mergeTrees(trees(people.filter((entry) => entry.operation === 'Apply'))),
  };
}

/** The union of `trees`, or undefined when there are none. */
export function mergeTrees(trees: readonly FieldTree[]): FieldTree | undefined {
  if (trees.length === 0) return undefined;
  const merged: FieldTree = {};
  for (const tree of trees) {
    for (const [element, child] of Object.entries(tree)) {
      const known = merged[element];
      merged[element] = known ? mergeTrees([known, child])! : child;
    }
  }
  return merged;
}

/** Whether a tree owns its field whole (a scalar, an atomic list or map, an empty map). */
export const ownsWhole = (tree: Owned): boolean =>
  tree !== EVERY_FIELD && Object.keys(tree).length === 0;

/** The tree of a map's field `name`, or undefined when nobody set it. */
export function fieldTree(tree: Owned | undefined, name: string): Owned | undefined {
  if (tree === EVERY_FIELD) return EVERY_FIELD;
  return tree?.[`f:${name}`];
}

/** The tree of the list item at `index`, or undefined when nobody set it. */
export function itemTree(
  tree: Owned | undefined,
  item: JsonValue,
  index: number,
): Owned | undefined {
  if (tree === EVERY_FIELD) return EVERY_FIELD;
  if (tree === undefined) return undefined;
  const matching = Object.entries(tree)
    .filter(([element]) => namesItem(element, item, index))
    .map(([, child]) => child);
  return mergeTrees(matching);
}

function namesItem(element: string, item: JsonValue, index: number): boolean {
  const body = element.slice(2);
  if (element.startsWith('i:')) return Number(body) === index;
  if (!element.startsWith('k:') && !element.startsWith('v:')) return false;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return false;
  }
  if (element.startsWith('v:')) return isDeepStrictEqual(value, item);
  return (
    isJsonObject(value) &&
    isJsonObject(item) &&
    Object.entries(value).every(([key, keyValue]) => isDeepStrictEqual(item[key], keyValue))
  );
}
