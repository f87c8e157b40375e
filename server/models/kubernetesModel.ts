/**
 * The built-in Kubernetes model: component definitions for the core workload, networking,
 * configuration, storage and RBAC kinds, with JSON Schemas taken from `kubernetes-models`
 * (generated from the Kubernetes OpenAPI spec). Which kinds, their scope and their category are
 * ours; every schema is the package's.
 *
 * The package registers each schema by calling `register(id, schema)` of
 * `@kubernetes-models/validate`; the loader stands in for that function while it asks the
 * package for the kinds below, and so collects every schema they reference.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { JsonObject } from '../../shared/design/model.js';
import type { ComponentDefinition, Model } from './model.js';

const require = createRequire(import.meta.url);
const PACKAGE_ROOT = dirname(require.resolve('kubernetes-models'));

export const KUBERNETES_MODEL_NAME = 'kubernetes';

type Category = ComponentDefinition['category'];

/** [kind, apiVersion, namespaced, category] of every kind the model offers. */
const KINDS: readonly [string, string, boolean, Category][] = [
  ['Pod', 'v1', true, 'Workload'],
  ['Deployment', 'apps/v1', true, 'Workload'],
  ['ReplicaSet', 'apps/v1', true, 'Workload'],
  ['StatefulSet', 'apps/v1', true, 'Workload'],
  ['DaemonSet', 'apps/v1', true, 'Workload'],
  ['Job', 'batch/v1', true, 'Workload'],
  ['CronJob', 'batch/v1', true, 'Workload'],
  ['Service', 'v1', true, 'Networking'],
  ['Endpoints', 'v1', true, 'Networking'],
  ['EndpointSlice', 'discovery.k8s.io/v1', true, 'Networking'],
  ['Ingress', 'networking.k8s.io/v1', true, 'Networking'],
  ['IngressClass', 'networking.k8s.io/v1', false, 'Networking'],
  ['NetworkPolicy', 'networking.k8s.io/v1', true, 'Networking'],
  ['Namespace', 'v1', false, 'Configuration'],
  ['ConfigMap', 'v1', true, 'Configuration'],
  ['Secret', 'v1', true, 'Configuration'],
  ['LimitRange', 'v1', true, 'Configuration'],
  ['ResourceQuota', 'v1', true, 'Configuration'],
  ['PriorityClass', 'scheduling.k8s.io/v1', false, 'Configuration'],
  ['HorizontalPodAutoscaler', 'autoscaling/v2', true, 'Scaling'],
  ['PodDisruptionBudget', 'policy/v1', true, 'Scaling'],
  ['PersistentVolumeClaim', 'v1', true, 'Storage'],
  ['PersistentVolume', 'v1', false, 'Storage'],
  ['StorageClass', 'storage.k8s.io/v1', false, 'Storage'],
  ['CSIDriver', 'storage.k8s.io/v1', false, 'Storage'],
  ['ServiceAccount', 'v1', true, 'Security'],
  ['Role', 'rbac.authorization.k8s.io/v1', true, 'Security'],
  ['RoleBinding', 'rbac.authorization.k8s.io/v1', true, 'Security'],
  ['ClusterRole', 'rbac.authorization.k8s.io/v1', false, 'Security'],
  ['ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', false, 'Security'],
  ['CustomResourceDefinition', 'apiextensions.k8s.io/v1', false, 'Extension'],
];

const COLOURS: Record<Category, string> = {
  Workload: '#326ce5',
  Networking: '#00a3a3',
  Configuration: '#8a6d3b',
  Scaling: '#7b61ff',
  Storage: '#c2410c',
  Security: '#b91c1c',
  Extension: '#4b5563',
};

/**
 * The OpenAPI definition id of a kind, e.g. `io.k8s.api.apps.v1.Deployment`: the name the
 * package registers its schema under and the name Kubernetes' own OpenAPI documents use.
 */
export function schemaId(kind: string, apiVersion: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === 'apiextensions.k8s.io') {
    return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}.${kind}`;
  }
  const shortGroup =
    group === '' ? 'core' : group!.replace(/\.k8s\.io$/, '').replace(/\.authorization$/, '');
  return `io.k8s.api.${shortGroup}.${version}.${kind}`;
}

/** The package module that registers a definition: `IoK8sApiAppsV1Deployment`. */
const moduleName = (id: string): string =>
  id
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/** Where the package that registers `id` keeps its schema module. */
function schemaModule(id: string): string {
  // apimachinery's types (ObjectMeta, Status, DeleteOptions) come from a sibling package.
  if (id.startsWith('io.k8s.apimachinery.')) {
    return `@kubernetes-models/apimachinery/_schemas/${moduleName(id)}`;
  }
  // The package does not export its schema modules; they sit beside its entry point.
  return join(PACKAGE_ROOT, '_schemas', `${moduleName(id)}.js`);
}

/**
 * Every schema the package registers for `ids` and what they reference, by id, as the package
 * writes them: references are bare ids with a trailing `#`, optional references are
 * `oneOf: [{$ref}, {type: 'null'}]`, and there are no descriptions. The sandbox's OpenAPI
 * documents are built from these too. Throws for an id the package does not define.
 */
export function collectSchemas(ids: readonly string[]): Map<string, JsonObject> {
  const validate = require('@kubernetes-models/validate') as {
    register: (id: string, schema: JsonObject) => void;
  };
  const collected = new Map<string, JsonObject>();
  const original = validate.register;
  validate.register = (id, schema) => void collected.set(id, schema);
  try {
    for (const id of ids) {
      const module = require(schemaModule(id)) as { addSchema(): void };
      module.addSchema();
    }
  } finally {
    validate.register = original;
  }
  return collected;
}

/**
 * One self-contained JSON Schema for a definition: the root's own schema with every
 * definition it reaches under `definitions`, references rewritten to point there.
 */
function bundle(rootId: string, schemas: ReadonlyMap<string, JsonObject>): JsonObject {
  const definitions: Record<string, JsonObject> = {};
  const pending = [rootId];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (definitions[id] || !schemas.has(id)) continue;
    definitions[id] = rewriteRefs(schemas.get(id)!, (ref) => {
      pending.push(ref);
      return `#/definitions/${ref}`;
    }) as JsonObject;
  }
  const { [rootId]: root, ...rest } = definitions;
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...root, definitions: rest };
}

function rewriteRefs(value: unknown, rewrite: (ref: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, rewrite));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) =>
      key === '$ref' && typeof entry === 'string'
        ? [key, rewrite(entry.replace(/#$/, ''))]
        : [key, rewriteRefs(entry, rewrite)],
    ),
  );
}

/** Builds the model (about a second: the package holds thousands of definitions). */
export function loadKubernetesModel(): Model {
  const ids = KINDS.map(([kind, apiVersion]) => schemaId(kind, apiVersion));
  const schemas = collectSchemas(ids);
  const packageJson = join(PACKAGE_ROOT, 'package.json');
  const version = (require(packageJson) as { version: string }).version;
  const components = KINDS.map(
    ([kind, apiVersion, namespaced, category], index): ComponentDefinition => {
      const schema = bundle(ids[index]!, schemas);
      const description = typeof schema.description === 'string' ? schema.description : '';
      return {
        kind,
        apiVersion,
        namespaced,
        category,
        description,
        style: {
          colour: COLOURS[category],
          shape: kind === 'Namespace' ? 'container' : 'rounded',
          icon: kind.toLowerCase(),
        },
        schema,
      };
    },
  );
  return {
    name: KUBERNETES_MODEL_NAME,
    displayName: 'Kubernetes',
    version,
    source: `kubernetes-models@${version} (generated from the Kubernetes OpenAPI spec)`,
    components,
  };
}
