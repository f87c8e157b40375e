/**
 * The one place that walks the Yjs design document: plain objects in, nested Yjs types out, and
 * back. Configuration is stored as nested Y.Map / Y.Array (never a JSON string) so that two
 * people editing different fields of one component both win.
 */
import * as Y from 'yjs';
import {
  asJsonObject,
  DESIGN_SCHEMA_VERSION,
  isJsonObject,
  type Component,
  type DesignContent,
  type DesignMeta,
  type JsonObject,
  type JsonValue,
  type LayoutEntry,
  type OverrideDecision,
  type Relationship,
} from './model.js';

/** Top-level shared types of a design document. */
export const DesignKey = {
  meta: 'meta',
  components: 'components',
  layout: 'layout',
  relationships: 'relationships',
  overrides: 'overrides',
} as const;

type YValue = Y.Map<unknown> | Y.Array<unknown> | string | number | boolean | null;

/** Converts plain JSON into nested Yjs types (objects → Y.Map, arrays → Y.Array). */
export function toYValue(value: JsonValue): YValue {
  if (Array.isArray(value)) {
    const array = new Y.Array<unknown>();
    array.push(value.map(toYValue));
    return array;
  }
  if (value !== null && typeof value === 'object') return toYMap(value);
  return value;
}

function toYMap(object: { [key: string]: JsonValue | undefined }): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [key, entry] of Object.entries(object)) {
    if (entry !== undefined) map.set(key, toYValue(entry));
  }
  return map;
}

/** Writes (or replaces) the design's `meta` fields that are given. */
export function writeMeta(doc: Y.Doc, meta: Partial<DesignMeta>): void {
  const map = doc.getMap(DesignKey.meta);
  doc.transact(() => {
    if (meta.name !== undefined) map.set('name', meta.name);
    if (meta.description !== undefined) map.set('description', meta.description);
    if (meta.labels !== undefined) map.set('labels', toYMap(meta.labels));
    if (!map.has('schema')) map.set('schema', DESIGN_SCHEMA_VERSION);
  });
}

/** Adds or replaces one component, with its configuration as nested Yjs types. */
export function writeComponent(doc: Y.Doc, component: Component): void {
  const { id, ...fields } = component;
  doc.getMap(DesignKey.components).set(id, toYMap(fields as unknown as JsonObject));
}

/**
 * Makes a component's Y.Map equal to `component`, writing only what differs, so that a form
 * changing one field and a YAML editor rewriting the whole resource do not undo each other's
 * concurrent edits. Equal values are not written at all (an identical component makes no
 * update); a component the design lacks is written whole. One transaction: wrap the call in
 * `doc.transact(…, origin)` to give it an origin, as an inner transaction keeps the outer one's.
 *
 * Arrays of the same length are updated element by element (`containers[0]` stays the same
 * Y.Map); an array whose length changed is replaced whole, because telling an insertion from an
 * edit needs a diff that would guess wrong as often as right. The cost: a concurrent edit inside
 * the replaced array is lost.
 */
export function updateComponent(doc: Y.Doc, component: Component): void {
  const { id, ...fields } = component;
  const existing = doc.getMap(DesignKey.components).get(id);
  doc.transact(() => {
    if (existing instanceof Y.Map) updateYMap(existing, fields as unknown as JsonObject);
    else writeComponent(doc, component);
  });
}

/** Sets the keys of `map` whose values differ from `object`'s and deletes the keys it lacks. */
function updateYMap(map: Y.Map<unknown>, object: { [key: string]: JsonValue | undefined }): void {
  for (const key of [...map.keys()]) {
    if (!Object.hasOwn(object, key) || object[key] === undefined) map.delete(key);
  }
  for (const [key, value] of Object.entries(object)) {
    if (value !== undefined && !updateInPlace(map.get(key), value)) map.set(key, toYValue(value));
  }
}

/**
 * Brings a Yjs value to `value` where it stands (nothing to do for an equal primitive); false
 * when it cannot, because the type or an array's length differs, and must be replaced.
 */
function updateInPlace(current: unknown, value: JsonValue): boolean {
  if (Array.isArray(value)) {
    if (!(current instanceof Y.Array) || current.length !== value.length) return false;
    value.forEach((item, index) => {
      if (updateInPlace(current.get(index), item)) return;
      current.delete(index, 1);
      current.insert(index, [toYValue(item)]);
    });
    return true;
  }
  if (isJsonObject(value)) {
    if (!(current instanceof Y.Map)) return false;
    updateYMap(current, value);
    return true;
  }
  return current === value;
}

/**
 * Sets one value inside a component (e.g. `['namespace']` or `['config', 'spec', 'replicas']`),
 * creating maps on the way; everything else of the component is left as it is. Does nothing
 * if the component does not exist.
 */
export function writeComponentValue(
  doc: Y.Doc,
  componentId: string,
  path: readonly string[],
  value: JsonValue,
): void {
  const component = doc.getMap(DesignKey.components).get(componentId);
  if (!(component instanceof Y.Map) || path.length === 0) return;
  let map = component as Y.Map<unknown>;
  for (const step of path.slice(0, -1)) {
    let next: unknown = map.get(step);
    if (!(next instanceof Y.Map)) map.set(step, (next = new Y.Map<unknown>()));
    map = next as Y.Map<unknown>;
  }
  map.set(path[path.length - 1]!, toYValue(value));
}

/** Key of `meta` holding per-design check settings: check id → `off`. */
export const CHECK_SETTINGS_KEY = 'checks';

/** The checks a design has switched off. */
export function readDisabledChecks(doc: Y.Doc): Set<string> {
  const settings = doc.getMap(DesignKey.meta).get(CHECK_SETTINGS_KEY);
  if (!(settings instanceof Y.Map)) return new Set();
  return new Set([...settings.entries()].filter(([, value]) => value === 'off').map(([id]) => id));
}

/** Switches one check off (or back on) for a design. */
export function writeCheckSetting(doc: Y.Doc, checkId: string, enabled: boolean): void {
  const meta = doc.getMap(DesignKey.meta);
  let settings = meta.get(CHECK_SETTINGS_KEY);
  if (!(settings instanceof Y.Map)) meta.set(CHECK_SETTINGS_KEY, (settings = new Y.Map<unknown>()));
  const map = settings as Y.Map<unknown>;
  if (enabled) map.delete(checkId);
  else map.set(checkId, 'off');
}

/** Sets a component's position. Layout changes never trigger inference. */
export function writeLayout(doc: Y.Doc, componentId: string, entry: LayoutEntry): void {
  doc.getMap(DesignKey.layout).set(componentId, toYMap({ ...entry }));
}

/** Adds a user-drawn relationship. */
export function writeRelationship(doc: Y.Doc, relationship: Relationship): void {
  const { id, ...fields } = relationship;
  doc.getMap(DesignKey.relationships).set(id, toYMap({ ...fields }));
}

/** Reads the design's metadata, with defaults for anything missing. */
export function readMeta(doc: Y.Doc): DesignMeta {
  const meta = doc.getMap(DesignKey.meta).toJSON() as Partial<DesignMeta>;
  return {
    name: typeof meta.name === 'string' ? meta.name : '',
    description: typeof meta.description === 'string' ? meta.description : '',
    labels: stringRecord(meta.labels),
    schema: typeof meta.schema === 'number' ? meta.schema : DESIGN_SCHEMA_VERSION,
  };
}

/** Reads the whole design as plain data. Unknown or malformed entries get safe defaults. */
export function readDesign(doc: Y.Doc): DesignContent {
  return {
    meta: readMeta(doc),
    components: entries(doc, DesignKey.components).map(([id, value]) => readComponent(id, value)),
    layout: readLayoutMap(doc),
    relationships: readUserRelationships(doc),
    overrides: readOverrides(doc),
  };
}

/** The decisions people made on inferred relationships, by relationship id. */
export function readOverrides(doc: Y.Doc): Record<string, OverrideDecision> {
  return Object.fromEntries(
    entries(doc, DesignKey.overrides).filter(
      (entry): entry is [string, OverrideDecision] =>
        entry[1] === 'accepted' || entry[1] === 'rejected',
    ),
  );
}

/** Every component's position, by component id. */
export function readLayoutMap(doc: Y.Doc): Record<string, LayoutEntry> {
  return Object.fromEntries(
    entries(doc, DesignKey.layout).map(([id, value]) => [id, readLayout(value)]),
  );
}

/** One component's layout entry, if it has one: for reading a few, where `readLayoutMap` reads all. */
export function readLayoutEntry(doc: Y.Doc, componentId: string): LayoutEntry | undefined {
  const value = doc.getMap(DesignKey.layout).get(componentId);
  if (value === undefined) return undefined;
  return readLayout(value instanceof Y.Map ? value.toJSON() : value);
}

/** The relationships people drew (inferred ones live in the derived room). */
export function readUserRelationships(doc: Y.Doc): Relationship[] {
  return entries(doc, DesignKey.relationships).map(([id, value]) => readRelationship(id, value));
}

/** What drawing a component takes: everything but its configuration. */
export type ComponentOutline = Pick<Component, 'id' | 'kind' | 'name' | 'namespace' | 'parent'>;

/**
 * Every component's outline. Configurations are not converted, so the editor can afford to
 * read this after every change of a large design.
 */
export function readComponentOutlines(doc: Y.Doc): ComponentOutline[] {
  const outlines: ComponentOutline[] = [];
  for (const [id, value] of doc.getMap<unknown>(DesignKey.components)) {
    if (!(value instanceof Y.Map)) continue;
    const outline: ComponentOutline = {
      id,
      kind: stringOr(value.get('kind'), ''),
      name: stringOr(value.get('name'), ''),
    };
    const namespace = value.get('namespace');
    const parent = value.get('parent');
    if (typeof namespace === 'string') outline.namespace = namespace;
    if (typeof parent === 'string') outline.parent = parent;
    outlines.push(outline);
  }
  return outlines;
}

/** One component as plain data, or undefined if the design has none of that id. */
export function readComponentById(doc: Y.Doc, componentId: string): Component | undefined {
  const value = doc.getMap(DesignKey.components).get(componentId);
  return value instanceof Y.Map ? readComponent(componentId, value.toJSON()) : undefined;
}

function entries(doc: Y.Doc, key: string): [string, unknown][] {
  return Object.entries(doc.getMap(key).toJSON());
}

function readComponent(id: string, value: unknown): Component {
  const fields = asJsonObject(value);
  const component: Component = {
    id,
    model: stringOr(fields.model, 'kubernetes'),
    apiVersion: stringOr(fields.apiVersion, ''),
    kind: stringOr(fields.kind, ''),
    name: stringOr(fields.name, ''),
    labels: stringRecord(fields.labels),
    annotations: stringRecord(fields.annotations),
    config: asJsonObject(fields.config),
  };
  if (typeof fields.namespace === 'string') component.namespace = fields.namespace;
  if (typeof fields.parent === 'string') component.parent = fields.parent;
  const metadata = asJsonObject(fields.metadata);
  if (Object.keys(metadata).length > 0) component.metadata = metadata;
  return component;
}

function readLayout(value: unknown): LayoutEntry {
  const fields = asJsonObject(value);
  const entry: LayoutEntry = { x: numberOr(fields.x, 0), y: numberOr(fields.y, 0) };
  if (typeof fields.w === 'number') entry.w = fields.w;
  if (typeof fields.h === 'number') entry.h = fields.h;
  return entry;
}

function readRelationship(id: string, value: unknown): Relationship {
  const fields = asJsonObject(value);
  return {
    id,
    kind: stringOr(fields.kind, ''),
    type: stringOr(fields.type, ''),
    subType: stringOr(fields.subType, ''),
    from: stringOr(fields.from, ''),
    to: stringOr(fields.to, ''),
    origin: 'user',
  };
}

function stringRecord(value: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries(asJsonObject(value)).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

const stringOr = (value: unknown, fallback: string): string =>
  typeof value === 'string' ? value : fallback;
const numberOr = (value: unknown, fallback: number): number =>
  typeof value === 'number' ? value : fallback;
