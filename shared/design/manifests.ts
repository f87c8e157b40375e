/**
 * Kubernetes manifests in and out: multi-document YAML (or JSON, or `List` objects) to
 * components and back. Every field survives the round trip: `metadata.name`, `namespace`,
 * `labels` and `annotations` become component fields, the rest of `metadata` is kept in the
 * component's `metadata`, and everything else of the object is its `config`.
 */
import { parseAllDocuments, stringify } from 'yaml';
import { isJsonObject, type Component, type JsonObject } from './model.js';

/** Limits that keep a hostile document from exhausting the hub. */
export const MANIFEST_LIMITS = {
  /** Objects in one import. */
  objects: 10_000,
  /** YAML aliases resolved per document (an alias bomb multiplies them). */
  aliases: 100,
} as const;

/** A manifest the import cannot use; names the document (1-based) and, if known, the line. */
export class ManifestError extends Error {
  constructor(
    readonly document: number,
    readonly line: number | undefined,
    problem: string,
  ) {
    super(`document ${document}${line === undefined ? '' : ` (line ${line})`}: ${problem}`);
    this.name = 'ManifestError';
  }
}

/** Parses multi-document YAML (JSON is YAML) into Kubernetes objects, `List`s expanded. */
export function parseManifests(text: string): JsonObject[] {
  const objects: JsonObject[] = [];
  const documents = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true });
  // A stream that is not even documents (e.g. a stray flow token) comes back as one error set.
  const list = Array.isArray(documents) ? documents : [documents];
  list.forEach((document, index) => {
    const number = index + 1;
    const error = document.errors[0];
    if (error) throw new ManifestError(number, lineOf(text, error.pos[0]), error.message);
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MANIFEST_LIMITS.aliases });
    } catch (cause) {
      throw new ManifestError(number, undefined, (cause as Error).message);
    }
    // An empty document, as after a trailing `---`, holds nothing to import.
    if (value === null || value === undefined) return;
    const line = lineOf(text, document.range[0]);
    for (const object of expandList(value, number, line)) {
      if (objects.length === MANIFEST_LIMITS.objects) {
        throw new ManifestError(number, line, `more than ${MANIFEST_LIMITS.objects} objects`);
      }
      objects.push(object);
    }
  });
  return objects;
}

function expandList(value: unknown, document: number, line: number): JsonObject[] {
  const object = kubernetesObject(value, document, line);
  if (!object.kind.endsWith('List') || !Array.isArray(object.items)) return [object];
  return object.items.map((item, index) =>
    kubernetesObject(item, document, line, `items[${index}]`),
  );
}

type KubernetesObject = JsonObject & { apiVersion: string; kind: string; metadata: JsonObject };

function kubernetesObject(
  value: unknown,
  document: number,
  line: number,
  where = 'the object',
): KubernetesObject {
  const fail = (problem: string) => new ManifestError(document, line, `${where} ${problem}`);
  if (!isJsonObject(value)) throw fail('is not a mapping');
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') {
    throw fail('has no apiVersion');
  }
  if (typeof value.kind !== 'string' || value.kind === '') throw fail('has no kind');
  if (value.kind.endsWith('List') && Array.isArray(value.items)) {
    return value as KubernetesObject;
  }
  const metadata = value.metadata;
  if (!isJsonObject(metadata) || typeof metadata.name !== 'string' || metadata.name === '') {
    throw fail('has no metadata.name');
  }
  return value as KubernetesObject;
}

/** A component for one Kubernetes object. */
export function toComponent(object: JsonObject, id: string): Component {
  const { apiVersion, kind, metadata, ...config } = object as KubernetesObject;
  const { name, namespace, labels, annotations, ...rest } = metadata;
  const component: Component = {
    id,
    model: 'kubernetes',
    apiVersion,
    kind,
    name: String(name),
    labels: stringRecord(labels),
    annotations: stringRecord(annotations),
    config,
  };
  if (typeof namespace === 'string' && namespace !== '') component.namespace = namespace;
  if (Object.keys(rest).length > 0) component.metadata = rest;
  return component;
}

/** The Kubernetes object a component stands for. */
export function toManifest(component: Component): JsonObject {
  const metadata: JsonObject = { name: component.name };
  if (component.namespace) metadata.namespace = component.namespace;
  if (Object.keys(component.labels).length > 0) metadata.labels = component.labels;
  if (Object.keys(component.annotations).length > 0) metadata.annotations = component.annotations;
  Object.assign(metadata, component.metadata);
  return { apiVersion: component.apiVersion, kind: component.kind, metadata, ...component.config };
}

/** Multi-document YAML of the components' manifests, in the order given. */
export function printManifests(components: readonly Component[]): string {
  return components.map((component) => stringify(toManifest(component))).join('---\n');
}

const lineOf = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

function stringRecord(value: unknown): Record<string, string> {
  if (!isJsonObject(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, String(entry)]));
}
