/**
 * The fields a component sets that its object on the cluster does not hold: the design is
 * walked, never the cluster, so what only the cluster has (defaults, status, other managers'
 * fields) is never drift.
 *
 * - Labels and annotations are compared key by key (the hub's own design label and component
 *   annotation are left out: the design does not set them); other metadata is not compared.
 * - Lists of objects are matched by a key all their items have, as server-side apply merges
 *   them: `name` (containers, env, volumes, named ports), else `containerPort`, `port`,
 *   `mountPath` or `devicePath`; by index otherwise. Paths carry the design's index.
 * - Lists of scalars (`args`, `command`) are compared whole.
 * - A Secret's `stringData` is compared with its `data` (the API server keeps only `data`).
 * - An object or item missing on the cluster is one drift at its own path, not one per field.
 */
import { COMPONENT_ANNOTATION, DESIGN_LABEL } from '../../shared/deploy/deployment.js';
import type { DriftStep } from '../../shared/deploy/drift.js';
import {
  asJsonObject,
  isJsonObject,
  type Component,
  type JsonObject,
  type JsonValue,
} from '../../shared/design/model.js';
import { omittable, sameScalar } from './sameValue.js';

/** One field that differs; `clusterValue` null when the cluster lacks it. */
export interface FieldDrift {
  steps: DriftStep[];
  designValue: JsonValue;
  clusterValue: JsonValue | null;
}

/** Keys that match the items of a list of objects, in the order they are tried. */
const LIST_KEYS = ['name', 'containerPort', 'port', 'mountPath', 'devicePath'];
/** Labels and annotations the hub stamps on every object itself. */
const HUB_METADATA = new Set([DESIGN_LABEL, COMPONENT_ANNOTATION]);

/** Where `component` and its object on the cluster (`live`) differ. */
export function fieldDrift(component: Component, live: JsonObject): FieldDrift[] {
  const found: FieldDrift[] = [];
  const metadata = asJsonObject(live.metadata);
  compareMap(['labels'], component.labels, asJsonObject(metadata.labels), found);
  compareMap(['annotations'], component.annotations, asJsonObject(metadata.annotations), found);
  for (const [key, value] of Object.entries(component.config)) {
    if (key === 'status') continue;
    if (key === 'stringData' && component.kind === 'Secret' && isJsonObject(value)) {
      compareValue(['config', key], value, decodedData(live.data), found);
      continue;
    }
    compareValue(['config', key], value, live[key], found);
  }
  return found;
}

function compareMap(
  steps: DriftStep[],
  design: Record<string, string>,
  cluster: JsonObject,
  found: FieldDrift[],
): void {
  for (const [key, value] of Object.entries(design)) {
    if (!HUB_METADATA.has(key)) compareValue([...steps, key], value, cluster[key], found);
  }
}

function compareValue(
  steps: DriftStep[],
  design: JsonValue | undefined,
  cluster: JsonValue | undefined,
  found: FieldDrift[],
): void {
  if (design === undefined || design === null) return;
  if (cluster === undefined || cluster === null) {
    if (!omittable(design)) found.push({ steps, designValue: design, clusterValue: null });
    return;
  }
  if (Array.isArray(design)) return compareList(steps, design, cluster, found);
  if (isJsonObject(design)) {
    if (!isJsonObject(cluster)) {
      found.push({ steps, designValue: design, clusterValue: cluster });
      return;
    }
    for (const [key, value] of Object.entries(design)) {
      compareValue([...steps, key], value, cluster[key], found);
    }
    return;
  }
  if (!sameScalar(steps, design, cluster)) {
    found.push({ steps, designValue: design, clusterValue: cluster });
  }
}

function compareList(
  steps: DriftStep[],
  design: JsonValue[],
  cluster: JsonValue,
  found: FieldDrift[],
): void {
  if (design.length === 0) return;
  if (!Array.isArray(cluster)) {
    found.push({ steps, designValue: design, clusterValue: cluster });
    return;
  }
  if (!design.every(isJsonObject)) {
    const same =
      design.length === cluster.length &&
      design.every(
        (item, index) => !isJsonObject(cluster[index]) && sameScalar(steps, item, cluster[index]!),
      );
    if (!same) found.push({ steps, designValue: design, clusterValue: cluster });
    return;
  }
  const key = listKey(design);
  design.forEach((item, index) => {
    const match = key
      ? cluster.find(
          (candidate) =>
            isJsonObject(candidate) &&
            candidate[key] !== undefined &&
            sameScalar([...steps, index, key], item[key]!, candidate[key]),
        )
      : cluster[index];
    compareValue([...steps, index], item, match, found);
  });
}

/** The key that tells a list's items apart: every item has it, each a different scalar. */
function listKey(items: readonly JsonObject[]): string | undefined {
  return LIST_KEYS.find((key) => {
    const values = items.map((item) => item[key]);
    if (values.some((value) => typeof value !== 'string' && typeof value !== 'number')) {
      return false;
    }
    return new Set(values.map(String)).size === values.length;
  });
}

/** A Secret's `data` decoded, as `stringData` states it. */
function decodedData(data: JsonValue | undefined): JsonObject | undefined {
  if (!isJsonObject(data)) return undefined;
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key,
      typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value,
    ]),
  );
}
