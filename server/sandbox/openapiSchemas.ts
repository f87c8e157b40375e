/**
 * The schemas of the sandbox's OpenAPI documents, by definition id as Kubernetes names them
 * (`io.k8s.api.apps.v1.Deployment`). Built-in kinds take theirs from `kubernetes-models`, with
 * what kubectl needs and the package leaves out put back: descriptions (`kubectl explain` prints
 * them), `x-kubernetes-group-version-kind` (how kubectl finds a kind's schema) and the strategic
 * merge metadata of lists (how client-side apply computes its patch), taken from the same table
 * the sandbox merges with, so the patches kubectl computes are the ones the sandbox applies.
 *
 * Definitions are kept in one neutral form, references being bare ids, and rendered for OpenAPI
 * v2 (`#/definitions/…`) or v3 (`#/components/schemas/…`) at the end.
 */
import { readDescriptions } from '../models/kubernetesDescriptions.js';
import { collectSchemas, schemaId } from '../models/kubernetesModel.js';
import { isPlainObject as isObject } from './kubeObject.js';
import { apiVersionOf, BUILT_IN_TYPES, type ResourceType } from './resourceTypes.js';
import { listStrategyAt, type ListStrategy } from './strategicMerge.js';

export type Schema = Record<string, unknown>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const OBJECT_META = `${META}.ObjectMeta`;
export const LIST_META = `${META}.ListMeta`;
export const STATUS = `${META}.Status`;
export const DELETE_OPTIONS = `${META}.DeleteOptions`;
export const PATCH = `${META}.Patch`;
export const SCALE = 'io.k8s.api.autoscaling.v1.Scale';
/** What operations take and answer besides the kinds themselves. */
const OPERATION_SCHEMAS = [STATUS, DELETE_OPTIONS, PATCH, SCALE];

const GVK = 'x-kubernetes-group-version-kind';

/**
 * Whether a kind is one of kube-apiserver's own, published from the package and patched
 * strategically (custom resources take merge and JSON patches only).
 */
export const isBuiltIn = (type: ResourceType): boolean =>
  type.schema === undefined &&
  BUILT_IN_TYPES.some(
    (builtIn) =>
      builtIn.group === type.group &&
      builtIn.version === type.version &&
      builtIn.kind === type.kind,
  );

/**
 * The definition id of a kind: the package's for built-in kinds, and for custom ones the name
 * kube-apiserver gives a CRD's schema, the group reversed: `com.example.stable.v1.CronTab`.
 */
export function definitionId(type: ResourceType): string {
  if (isBuiltIn(type)) return schemaId(type.kind, apiVersionOf(type));
  return [...type.group.split('.').reverse(), type.version, type.kind].join('.');
}

/** The definition of the kind's list (`io.k8s.api.apps.v1.DeploymentList`). */
export const listDefinitionId = (type: ResourceType): string => `${definitionId(type)}List`;

/** Keywords whose value is one schema, a list of schemas, or a map of names to schemas. */
const ONE_SCHEMA = new Set(['items', 'additionalProperties', 'not']);
const SCHEMA_LIST = new Set(['allOf', 'anyOf', 'oneOf']);
const SCHEMA_MAP = new Set(['properties', 'patternProperties', 'definitions']);

/**
 * Rebuilds a schema from the leaves up: `change` sees each schema with its subschemas already
 * rebuilt. Only schema positions are visited, so a property named `$ref` (JSONSchemaProps has
 * one) or an extension's value is never mistaken for a keyword.
 */
function transform(schema: Schema, change: (schema: Schema) => Schema): Schema {
  const sub = (value: unknown) => (isObject(value) ? transform(value, change) : value);
  const rebuilt: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ONE_SCHEMA.has(key) || SCHEMA_LIST.has(key)) {
      rebuilt[key] = Array.isArray(value) ? value.map(sub) : sub(value);
    } else if (SCHEMA_MAP.has(key) && isObject(value)) {
      rebuilt[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sub(v)]));
    } else rebuilt[key] = value;
  }
  return change(rebuilt);
}

/** Every id a schema references. */
function referencesOf(schema: Schema): string[] {
  const found: string[] = [];
  transform(schema, (node) => {
    if (typeof node.$ref === 'string') found.push(node.$ref);
    return node;
  });
  return found;
}

/**
 * The package's schema in neutral form: `$ref: 'id#'` becomes `$ref: 'id'`, an optional
 * reference (`oneOf: [{$ref}, {type: 'null'}]`) a plain one, and `nullable` goes: Kubernetes'
 * documents mark neither.
 */
const fromPackage = (schema: Schema): Schema =>
  transform(schema, ({ nullable: _nullable, ...node }) => {
    if (typeof node.$ref === 'string') node.$ref = node.$ref.replace(/#$/, '');
    const choices = node.oneOf;
    if (Array.isArray(choices) && choices.length === 2 && isObject(choices[1])) {
      const [value, empty] = choices as [unknown, Schema];
      if (empty.type === 'null' && isObject(value)) {
        const { oneOf: _oneOf, ...rest } = node;
        return { ...value, ...rest };
      }
    }
    return node;
  });

function addDescriptions(id: string, definition: Schema): void {
  const found = readDescriptions(id);
  if (!found) return;
  if (found.description) definition.description = found.description;
  const properties = isObject(definition.properties) ? definition.properties : {};
  for (const [field, text] of found.fields) {
    const property = properties[field];
    if (isObject(property)) property.description = text;
  }
}

const API_VERSION_TEXT =
  'APIVersion names the versioned schema this representation of the object follows. Servers ' +
  'convert schemas they know to their latest internal value and may reject ones they do not. ' +
  'More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_TEXT =
  'Kind is a string value naming the REST resource this object represents, in CamelCase. ' +
  'Servers may infer it from the endpoint the client submits requests to. Cannot be updated. ' +
  'More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/**
 * Marks a definition as the schema of a kind (or of its list). The package pins `apiVersion` and
 * `kind` with an `enum` and requires them; Kubernetes' documents do neither and describe them.
 */
function markKind(definition: Schema, type: ResourceType, kind: string): void {
  const properties = isObject(definition.properties) ? definition.properties : {};
  properties.apiVersion = { type: 'string', description: API_VERSION_TEXT };
  properties.kind = { type: 'string', description: KIND_TEXT };
  definition.properties = properties;
  if (Array.isArray(definition.required)) {
    const required = definition.required.filter((name) => name !== 'apiVersion' && name !== 'kind');
    if (required.length > 0) definition.required = required;
    else delete definition.required;
  }
  definition[GVK] = [{ group: type.group, kind, version: type.version }];
}

/** The OpenAPI extensions that say how a list is patched and, for server-side apply, keyed. */
function listExtensions(strategy: ListStrategy): Schema {
  switch (strategy.type) {
    case 'keyed':
      return {
        'x-kubernetes-list-map-keys': [strategy.key],
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-patch-merge-key': strategy.key,
        'x-kubernetes-patch-strategy': 'merge',
      };
    case 'set':
      return { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' };
    case 'replace':
      return {};
  }
}

/**
 * Adds the merge metadata of every list a kind reaches. `listStrategyAt` decides by a list's path
 * from the object's root, while a schema belongs to a definition many kinds share (PodSpec), so
 * the kind's tree is walked path by path and the answer written on the definition's property.
 */
function annotateLists(definitions: Map<string, Schema>, rootId: string, kind: string): void {
  const open = new Set<string>();
  const visit = (id: string, path: string[]) => {
    const definition = definitions.get(id);
    if (!definition || open.has(id) || !isObject(definition.properties)) return;
    open.add(id);
    for (const [field, property] of Object.entries(definition.properties)) {
      if (!isObject(property)) continue;
      const here = [...path, field];
      if (property.type === 'array' && !('x-kubernetes-patch-strategy' in property)) {
        Object.assign(property, listExtensions(listStrategyAt(here, kind)));
      }
      const target = isObject(property.items) ? property.items.$ref : property.$ref;
      if (typeof target === 'string') visit(target, here);
    }
    open.delete(id);
  };
  visit(rootId, []);
}

let builtIns: Map<string, Schema> | undefined;

/**
 * Every built-in kind's definition, its list's and what they reference, in neutral form. Built
 * once per process (a few hundred milliseconds: the package's modules and type declarations).
 */
function builtInDefinitions(): Map<string, Schema> {
  if (builtIns) return builtIns;
  const roots = BUILT_IN_TYPES.flatMap((type) => [definitionId(type), listDefinitionId(type)]);
  const definitions = new Map<string, Schema>();
  for (const id of [...roots, ...OPERATION_SCHEMAS]) {
    try {
      for (const [found, schema] of collectSchemas([id])) definitions.set(found, schema);
    } catch {
      // Not in the package: the kind is then published as an open object, like a custom one.
    }
  }
  for (const [id, schema] of definitions) {
    const neutral = fromPackage(schema);
    addDescriptions(id, neutral);
    definitions.set(id, neutral);
  }
  for (const type of BUILT_IN_TYPES) {
    const kind = definitions.get(definitionId(type));
    const list = definitions.get(listDefinitionId(type));
    if (kind) markKind(kind, type, type.kind);
    if (list) markKind(list, type, `${type.kind}List`);
    if (kind) annotateLists(definitions, definitionId(type), type.kind);
  }
  builtIns = definitions;
  return definitions;
}

/** A kind the package does not know: its own schema, or any object, under Kubernetes' metadata. */
function customDefinitions(type: ResourceType): [string, Schema][] {
  const own = type.schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const properties = isObject(own.properties) ? own.properties : {};
  const definition: Schema = {
    ...own,
    properties: { ...properties, metadata: { $ref: OBJECT_META } },
  };
  markKind(definition, type, type.kind);
  const list: Schema = {
    description: `${type.kind}List is a list of ${type.kind} objects.`,
    type: 'object',
    required: ['items'],
    properties: {
      items: { type: 'array', items: { $ref: definitionId(type) } },
      metadata: { $ref: LIST_META },
    },
  };
  markKind(list, type, `${type.kind}List`);
  return [
    [definitionId(type), definition],
    [listDefinitionId(type), list],
  ];
}

/**
 * The definitions a document serving `types` needs, in neutral form: each kind's and its
 * list's, the ones operations take and answer, and everything those reference.
 */
export function definitionsFor(types: readonly ResourceType[]): Map<string, Schema> {
  const known = builtInDefinitions();
  const result = new Map<string, Schema>();
  const pending = [...OPERATION_SCHEMAS];
  for (const type of types) {
    if (isBuiltIn(type) && known.has(definitionId(type))) {
      pending.push(definitionId(type), listDefinitionId(type));
    } else {
      for (const [id, definition] of customDefinitions(type)) {
        result.set(id, definition);
        pending.push(...referencesOf(definition));
      }
    }
  }
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    const definition = known.get(id);
    if (result.has(id) || !definition) continue;
    result.set(id, definition);
    pending.push(...referencesOf(definition));
  }
  return result;
}

/**
 * OpenAPI v2 has no `oneOf`: Kubernetes publishes its two either-or scalars as formatted
 * strings there (v3 keeps the package's `oneOf`).
 */
const V2_SCALARS: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
};

/** `definitions` of an OpenAPI v2 document; a reference keeps its siblings, as Kubernetes'. */
export function renderV2(definitions: ReadonlyMap<string, Schema>): Record<string, Schema> {
  const render = (id: string, definition: Schema): Schema => {
    const scalar = V2_SCALARS[id];
    if (scalar) return { description: definition.description, ...scalar };
    return transform(definition, (node) =>
      typeof node.$ref === 'string' ? { ...node, $ref: `#/definitions/${node.$ref}` } : node,
    );
  };
  return Object.fromEntries([...definitions].map(([id, schema]) => [id, render(id, schema)]));
}

/**
 * `components.schemas` of an OpenAPI v3 document. A reference with siblings (a described field)
 * becomes `allOf: [{$ref}]` beside them, since v3 ignores a `$ref`'s siblings; kubectl follows
 * both forms.
 */
export function renderV3(definitions: ReadonlyMap<string, Schema>): Record<string, Schema> {
  const render = (definition: Schema): Schema =>
    transform(definition, (node) => {
      if (typeof node.$ref !== 'string') return node;
      const { $ref, ...siblings } = node;
      const ref = { $ref: `#/components/schemas/${$ref}` };
      return Object.keys(siblings).length > 0 ? { allOf: [ref], ...siblings } : ref;
    });
  return Object.fromEntries([...definitions].map(([id, schema]) => [id, render(schema)]));
}
