/**
 * The plain-object shape of a design, as the REST API returns it and as imports produce it.
 * The Yjs layout it mirrors is fixed in ARCHITECTURE.md; `convert.ts` maps between the two.
 */

export const DESIGN_SCHEMA_VERSION = 1;

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Whether `value` is a JSON object: not null, not an array. */
export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `value` if it is a JSON object, else an empty one. */
export const asJsonObject = (value: unknown): JsonObject => (isJsonObject(value) ? value : {});

export interface DesignMeta {
  name: string;
  description: string;
  labels: Record<string, string>;
  schema: number;
}

export interface Component {
  id: string;
  model: string;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Everything of the resource except apiVersion, kind and metadata: spec, data, rules, … */
  config: JsonObject;
  /** Component id of a grouping/container component. */
  parent?: string;
  /**
   * The rest of the resource's `metadata` (finalizers, ownerReferences, generateName, …), kept
   * so that manifests survive a round trip; name, namespace, labels and annotations are above.
   */
  metadata?: JsonObject;
}

export interface LayoutEntry {
  x: number;
  y: number;
  w?: number;
  h?: number;
}

export interface Relationship {
  id: string;
  kind: string;
  type: string;
  subType: string;
  from: string;
  to: string;
  origin: 'user' | 'inferred';
}

export type OverrideDecision = 'accepted' | 'rejected';

/** A whole design document as plain data. */
export interface DesignContent {
  meta: DesignMeta;
  components: Component[];
  layout: Record<string, LayoutEntry>;
  relationships: Relationship[];
  overrides: Record<string, OverrideDecision>;
}
