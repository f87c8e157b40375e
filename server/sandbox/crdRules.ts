/**
 * What kube-apiserver checks and defaults on an `apiextensions.k8s.io/v1`
 * CustomResourceDefinition, in the essentials: names that can be URL segments and kinds, a
 * `metadata.name` of `<plural>.<group>`, a scope, versions with exactly one stored, and a
 * structural `openAPIV3Schema` for each. A CRD that would be refused by a real cluster is
 * refused here too (422), before its kinds are served and custom resources depend on it.
 */
import {
  duplicateValue,
  invalidValue,
  notSupported,
  requiredValue,
  type StatusCause,
} from './apiStatus.js';
import { asJsonObject, isJsonObject, type JsonObject } from '../../shared/design/model.js';
import { crdNamesOf, type CrdNames } from './customResourceTypes.js';
import type { KindRule, StoredObjects } from './kindRules.js';
import type { KubeObject } from './kubeObject.js';
import { BUILT_IN_TYPES, groupResourceOf } from './resourceTypes.js';
import { schemaCompileError } from './schemaValidation.js';

/** Held on a deleted CRD until its custom resources are gone, as in Kubernetes. */
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

const CRDS = groupResourceOf({
  group: 'apiextensions.k8s.io',
  plural: 'customresourcedefinitions',
});

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_RULE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KIND_RULE = 'may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?';

/** Groups kube-apiserver serves itself: a CRD there would clash with built-in kinds. */
const BUILT_IN_GROUPS = new Set(BUILT_IN_TYPES.map((type) => type.group));
/** Names kubectl already resolves to a built-in kind (`po`, `deploy`, `services`). */
const BUILT_IN_NAMES = new Set(
  BUILT_IN_TYPES.flatMap((type) => [type.plural, type.singular, ...type.shortNames]),
);

const forbidden = (field: string, why: string): StatusCause => ({
  reason: 'FieldValueForbidden',
  message: `Forbidden: ${why}`,
  field,
});

function labelProblems(field: string, value: unknown, required: boolean): StatusCause[] {
  if (value === undefined || value === '') return required ? [requiredValue(field)] : [];
  if (typeof value !== 'string' || !DNS_1035.test(value)) {
    return [invalidValue(field, value, DNS_1035_RULE)];
  }
  return [];
}

function kindProblems(field: string, value: unknown): StatusCause[] {
  if (value === undefined || value === '') return [requiredValue(field)];
  if (typeof value !== 'string' || !DNS_1035.test(value.toLowerCase())) {
    return [invalidValue(field, value, KIND_RULE)];
  }
  return [];
}

function namesProblems(names: JsonObject): StatusCause[] {
  const problems = [
    ...labelProblems('spec.names.plural', names.plural, true),
    ...labelProblems('spec.names.singular', names.singular, false),
    ...kindProblems('spec.names.kind', names.kind),
    ...kindProblems('spec.names.listKind', names.listKind),
  ];
  if (typeof names.kind === 'string' && names.kind === names.listKind) {
    problems.push(
      invalidValue('spec.names.listKind', names.listKind, 'kind and listKind may not be the same'),
    );
  }
  for (const list of ['shortNames', 'categories'] as const) {
    const values = Array.isArray(names[list]) ? names[list] : [];
    values.forEach((value, index) => {
      problems.push(...labelProblems(`spec.names.${list}[${index}]`, value, true));
    });
  }
  return problems;
}

/**
 * Why a schema is not structural, which kube-apiserver requires so that it can prune: every
 * field names its type, unless it takes an int or a string, or keeps anything. Value checks
 * under `allOf`, `anyOf`, `oneOf` and `not` are left alone.
 */
function structuralProblems(schema: JsonObject, path: string, place: string): StatusCause[] {
  const problems: StatusCause[] = [];
  const open =
    schema['x-kubernetes-int-or-string'] === true ||
    schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (place !== 'root' && schema.type === undefined && !open) {
    problems.push(requiredValue(`${path}.type`, `must not be empty for specified ${place}`));
  }
  if ('$ref' in schema) problems.push(forbidden(`${path}.$ref`, '$ref is not supported'));
  if (typeof schema.pattern === 'string') {
    try {
      new RegExp(schema.pattern, 'u');
    } catch (error) {
      problems.push(
        invalidValue(
          `${path}.pattern`,
          schema.pattern,
          `must be a valid regular expression, but isn't: ${(error as Error).message}`,
        ),
      );
    }
  }
  for (const [name, property] of Object.entries(asJsonObject(schema.properties))) {
    if (!isJsonObject(property)) continue;
    problems.push(...structuralProblems(property, `${path}.properties[${name}]`, 'object fields'));
  }
  if (isJsonObject(schema.items)) {
    problems.push(...structuralProblems(schema.items, `${path}.items`, 'array items'));
  }
  if (isJsonObject(schema.additionalProperties)) {
    const values = schema.additionalProperties;
    problems.push(...structuralProblems(values, `${path}.additionalProperties`, 'object fields'));
  }
  return problems;
}

function schemaProblems(version: JsonObject, path: string): StatusCause[] {
  const field = `${path}.schema.openAPIV3Schema`;
  const schema = asJsonObject(version.schema).openAPIV3Schema;
  if (!isJsonObject(schema)) return [requiredValue(field, 'schemas are required')];
  if (schema.type === undefined) {
    return [requiredValue(`${field}.type`, 'must not be empty at the root')];
  }
  if (schema.type !== 'object') return [notSupported(`${field}.type`, schema.type, ['object'])];
  const problems = structuralProblems(schema, field, 'root');
  const compileError = problems.length === 0 ? schemaCompileError(schema) : undefined;
  if (compileError) problems.push(invalidValue(field, '', compileError));
  return problems;
}

function scaleProblems(scale: unknown, path: string): StatusCause[] {
  if (scale === undefined || scale === null) return [];
  const { specReplicasPath, statusReplicasPath, labelSelectorPath } = asJsonObject(scale);
  const field = `${path}.subresources.scale`;
  const under = (name: string, value: unknown, roots: string[], required: boolean) => {
    if (value === undefined) return required ? [requiredValue(`${field}.${name}`)] : [];
    const fits = typeof value === 'string' && roots.some((root) => value.startsWith(`${root}.`));
    const where = roots.join(' or ');
    return fits
      ? []
      : [invalidValue(`${field}.${name}`, value, `should be a json path under ${where}`)];
  };
  return [
    ...under('specReplicasPath', specReplicasPath, ['.spec'], true),
    ...under('statusReplicasPath', statusReplicasPath, ['.status'], true),
    ...under('labelSelectorPath', labelSelectorPath, ['.spec', '.status'], false),
  ];
}

function versionsProblems(spec: JsonObject, status: JsonObject): StatusCause[] {
  const versions = Array.isArray(spec.versions) ? spec.versions.map(asJsonObject) : [];
  if (versions.length === 0) {
    return [requiredValue('spec.versions', 'must have at least one version')];
  }
  const problems: StatusCause[] = [];
  const seen = new Set<unknown>();
  versions.forEach((version, index) => {
    const path = `spec.versions[${index}]`;
    problems.push(...labelProblems(`${path}.name`, version.name, true));
    if (seen.has(version.name)) problems.push(duplicateValue(`${path}.name`, version.name));
    seen.add(version.name);
    problems.push(...schemaProblems(version, path));
    problems.push(...scaleProblems(asJsonObject(version.subresources).scale, path));
  });
  const names = versions.map((version) => version.name);
  if (versions.filter((version) => version.storage === true).length !== 1) {
    problems.push(
      invalidValue(
        'spec.versions',
        names,
        'must have exactly one version marked as storage version',
      ),
    );
  }
  const stored = Array.isArray(status.storedVersions) ? status.storedVersions : [];
  stored.forEach((name, index) => {
    if (!names.includes(name)) {
      problems.push(
        invalidValue(`status.storedVersions[${index}]`, name, 'must appear in spec.versions'),
      );
    }
  });
  return problems;
}

/** Names another CRD of the group, or a built-in kind, already answers to. */
function clashProblems(object: KubeObject, group: string, stored: StoredObjects): StatusCause[] {
  const names = crdNamesOf(object);
  const resourceNames: [string, string][] = [
    ['spec.names.plural', names.plural],
    ['spec.names.singular', names.singular],
    ...names.shortNames.map((name, i): [string, string] => [`spec.names.shortNames[${i}]`, name]),
  ];
  const kinds: [string, string][] = [
    ['spec.names.kind', names.kind],
    ['spec.names.listKind', names.listKind],
  ];
  const problems: StatusCause[] = [];
  const check = (pairs: [string, string][], taken: Set<string>, why: string) => {
    for (const [field, name] of pairs) {
      if (taken.has(name)) problems.push(invalidValue(field, name, why));
    }
  };
  for (const other of stored(CRDS)) {
    if (other.metadata.name === object.metadata.name) continue;
    if (asJsonObject(other.spec).group !== group) continue;
    const theirs: CrdNames = crdNamesOf(other);
    const why = `is already in use by customresourcedefinition "${other.metadata.name}"`;
    check(resourceNames, new Set([theirs.plural, theirs.singular, ...theirs.shortNames]), why);
    check(kinds, new Set([theirs.kind, theirs.listKind]), why);
  }
  check(
    resourceNames.slice(2),
    BUILT_IN_NAMES,
    'is already the name or short name of a built-in kind',
  );
  return problems;
}

function crdProblems(spec: JsonObject, object: KubeObject, stored: StoredObjects): StatusCause[] {
  const problems: StatusCause[] = [];
  const group = spec.group;
  if (typeof group !== 'string' || group === '') problems.push(requiredValue('spec.group'));
  else if (!DNS_SUBDOMAIN.test(group)) {
    problems.push(invalidValue('spec.group', group, 'must be a lowercase RFC 1123 subdomain'));
  } else if (!group.includes('.')) {
    problems.push(invalidValue('spec.group', group, 'should be a domain with at least one dot'));
  } else if (BUILT_IN_GROUPS.has(group)) {
    problems.push(invalidValue('spec.group', group, 'is the group of built-in kinds'));
  }
  const names = asJsonObject(spec.names);
  problems.push(...namesProblems(names));
  if (problems.length === 0) {
    const expected = `${String(names.plural)}.${String(group)}`;
    if (object.metadata.name !== expected) {
      problems.push(
        invalidValue(
          'metadata.name',
          object.metadata.name,
          'must be spec.names.plural+"."+spec.group',
        ),
      );
    }
  }
  if (spec.scope === undefined) problems.push(requiredValue('spec.scope'));
  else if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    problems.push(notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));
  }
  problems.push(...versionsProblems(spec, asJsonObject(object.status)));
  if (problems.length === 0) problems.push(...clashProblems(object, String(group), stored));
  return problems;
}

/** kube-apiserver's defaults: `singular` and `listKind` from `kind`, no conversion webhook. */
function crdDefaults(spec: JsonObject): JsonObject {
  const names = asJsonObject(spec.names);
  const kind = names.kind;
  return {
    ...spec,
    ...(typeof kind === 'string' && kind !== ''
      ? {
          names: {
            ...names,
            singular: names.singular || kind.toLowerCase(),
            listKind: names.listKind || `${kind}List`,
          },
        }
      : {}),
    conversion: spec.conversion ?? { strategy: 'None' },
  };
}

/** The rule of `customresourcedefinitions.apiextensions.k8s.io`. */
export const CRD_RULE: KindRule = {
  defaults: (spec) => crdDefaults(spec as JsonObject),
  validate: (spec, object, stored) => crdProblems(spec as JsonObject, object, stored),
  deletionFinalizers: [CRD_CLEANUP_FINALIZER],
};
