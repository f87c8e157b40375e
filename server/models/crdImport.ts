/**
 * Models from CustomResourceDefinitions: one model per API group, one component per served
 * version of each kind, its schema the version's `openAPIV3Schema` (wrapped with the
 * apiVersion, kind and metadata every resource has).
 */
import { asJsonObject, type JsonObject } from '../../shared/design/model.js';
import { parseManifests } from '../../shared/design/manifests.js';
import type { ComponentDefinition, Model } from './model.js';

/** The versions a CRD's `spec` serves, each with a name: the ones that become kinds. */
export const servedVersions = (spec: JsonObject): JsonObject[] =>
  (Array.isArray(spec.versions) ? spec.versions.map(asJsonObject) : []).filter(
    (version) => version.served === true && typeof version.name === 'string',
  );

/** A CRD version's `schema.openAPIV3Schema`, or `{}` when it has none. */
export const openApiSchemaOf = (version: JsonObject): JsonObject =>
  asJsonObject(asJsonObject(version.schema).openAPIV3Schema);

/** A document that is not a usable CRD; names it (1-based) and says why. */
export class CrdError extends Error {}

/** The models the CRDs in `text` (multi-document YAML) define, by group. */
export const modelsFromCrds = (text: string): Model[] => modelsFromCrdObjects(parseManifests(text));

/**
 * The models some CRD objects define, by group: those of a file, or those a cluster serves.
 * Throws a `CrdError` naming the first object (1-based) that is not a usable CRD.
 */
export function modelsFromCrdObjects(objects: readonly JsonObject[]): Model[] {
  const models = new Map<string, Model>();
  objects.forEach((object, index) => {
    const fail = (problem: string) => new CrdError(`object ${index + 1}: ${problem}`);
    if (
      object.apiVersion !== 'apiextensions.k8s.io/v1' ||
      object.kind !== 'CustomResourceDefinition'
    ) {
      throw fail(
        `is a ${String(object.kind)} (${String(object.apiVersion)}), not an apiextensions.k8s.io/v1 CustomResourceDefinition`,
      );
    }
    const spec = asJsonObject(object.spec);
    const names = asJsonObject(spec.names);
    const group = spec.group;
    const kind = names.kind;
    if (typeof group !== 'string' || group === '') throw fail('has no spec.group');
    if (typeof kind !== 'string' || kind === '') throw fail('has no spec.names.kind');
    const served = servedVersions(spec);
    if (served.length === 0) throw fail('serves no version');
    const model = models.get(group) ?? {
      name: group,
      displayName: group,
      version: String(served.find((version) => version.storage === true)?.name ?? served[0]!.name),
      source: 'imported CustomResourceDefinitions',
      components: [],
    };
    for (const version of served) {
      model.components.push(
        component(kind, `${group}/${String(version.name)}`, spec.scope !== 'Cluster', version),
      );
    }
    models.set(group, model);
  });
  return [...models.values()];
}

/** Imported models as the API answers with them: each component's kind and apiVersion only. */
export const importedModelsView = (models: readonly Model[]) =>
  models.map(({ components, ...model }) => ({
    ...model,
    components: components.map(({ kind, apiVersion }) => ({ kind, apiVersion })),
  }));

function component(
  kind: string,
  apiVersion: string,
  namespaced: boolean,
  version: JsonObject,
): ComponentDefinition {
  const openApi = openApiSchemaOf(version);
  const properties = asJsonObject(openApi.properties);
  const schema: JsonObject = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...openApi,
    type: 'object',
    properties: {
      apiVersion: { type: 'string', enum: [apiVersion] },
      kind: { type: 'string', enum: [kind] },
      metadata: { type: 'object' },
      ...properties,
    },
  };
  return {
    kind,
    apiVersion,
    namespaced,
    category: 'Extension',
    description: typeof openApi.description === 'string' ? openApi.description : '',
    style: { colour: '#4b5563', shape: 'rounded', icon: kind.toLowerCase() },
    schema,
  };
}
