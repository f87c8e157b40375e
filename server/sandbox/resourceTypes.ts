/**
 * The kinds the sandbox serves, described the way API discovery describes them: group, version,
 * plural resource name, scope, short names and subresources. Everything else (routing, discovery
 * documents, storage keys) is derived from this table, and custom resources join it at run time.
 */

export type Subresource = 'status' | 'scale' | 'log';

export interface ResourceType {
  /** `''` for the core group. */
  group: string;
  version: string;
  kind: string;
  /** The URL segment: `deployments`. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: readonly string[];
  /** `all` puts a kind in `kubectl get all`. */
  categories: readonly string[];
  subresources: readonly Subresource[];
  /** Field selector paths accepted besides `metadata.name` and `metadata.namespace`. */
  selectableFields: readonly string[];
  /**
   * The kind's OpenAPI v3 schema when it brings its own, as a custom resource brings its CRD's
   * `openAPIV3Schema`: the sandbox's OpenAPI documents publish it (with `apiVersion`, `kind` and
   * `metadata` filled in) instead of an open object. Built-in kinds leave it out; their schemas
   * come from `kubernetes-models`.
   */
  schema?: Record<string, unknown>;
  /**
   * Where a custom resource keeps what its `scale` subresource reads and writes, as a CRD's
   * `subresources.scale` names them (`.spec.replicas`). Built-in kinds leave it out: theirs are
   * `spec.replicas`, `status.replicas` and the label selector in `spec.selector`.
   */
  scalePaths?: ScalePaths;
  /**
   * The columns `kubectl get` shows for a custom resource, as its CRD version's
   * `additionalPrinterColumns` declare them; server-side printing then lists NAME and these.
   * Built-in kinds leave it out: their columns are in `tables/`.
   */
  printerColumns?: readonly PrinterColumn[];
}

/** One of a CRD's `additionalPrinterColumns`: `{name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas'}`. */
export interface PrinterColumn {
  name: string;
  /** `string`, `integer`, `number`, `boolean` or `date` (printed as an age). */
  type: string;
  jsonPath: string;
  format?: string;
  description?: string;
  /** 0 for default columns, more for `-o wide` ones. */
  priority?: number;
}

/** JSON paths from a CRD's `subresources.scale`: `.spec.replicas`, `.status.selector`. */
export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  /** A path to the label selector in its string form (`app=web`), if the kind has one. */
  labelSelectorPath?: string;
}

/** `apps/v1`, or `v1` for the core group. */
export const apiVersionOf = (type: Pick<ResourceType, 'group' | 'version'>): string =>
  type.group ? `${type.group}/${type.version}` : type.version;

/** `deployments.apps`, or `pods` in the core group: the storage key and the name in errors. */
export const groupResourceOf = (type: Pick<ResourceType, 'group' | 'plural'>): string =>
  type.group ? `${type.plural}.${type.group}` : type.plural;

interface Entry {
  kind: string;
  plural?: string;
  namespaced?: boolean;
  shortNames?: string[];
  all?: boolean;
  subresources?: Subresource[];
  selectableFields?: string[];
}

const STATUS: Subresource[] = ['status'];
const SCALABLE: Subresource[] = ['status', 'scale'];

/** Group/version → kinds, in the order discovery lists them. */
const BUILT_IN: Record<string, Entry[]> = {
  v1: [
    { kind: 'Namespace', namespaced: false, shortNames: ['ns'], subresources: STATUS },
    {
      kind: 'Pod',
      shortNames: ['po'],
      all: true,
      subresources: ['status', 'log'],
      selectableFields: ['spec.nodeName', 'spec.restartPolicy', 'status.phase', 'status.podIP'],
    },
    { kind: 'Service', shortNames: ['svc'], all: true, subresources: STATUS },
    { kind: 'Endpoints', plural: 'endpoints', shortNames: ['ep'] },
    { kind: 'ConfigMap', shortNames: ['cm'] },
    { kind: 'Secret', selectableFields: ['type'] },
    { kind: 'ServiceAccount', shortNames: ['sa'] },
    { kind: 'PersistentVolumeClaim', shortNames: ['pvc'], subresources: STATUS },
    { kind: 'PersistentVolume', namespaced: false, shortNames: ['pv'], subresources: STATUS },
    {
      kind: 'Node',
      namespaced: false,
      shortNames: ['no'],
      subresources: STATUS,
      selectableFields: ['spec.unschedulable'],
    },
    {
      kind: 'Event',
      shortNames: ['ev'],
      selectableFields: [
        'involvedObject.kind',
        'involvedObject.namespace',
        'involvedObject.name',
        'involvedObject.uid',
        'reason',
        'type',
      ],
    },
    { kind: 'LimitRange', shortNames: ['limits'] },
    { kind: 'ResourceQuota', shortNames: ['quota'], subresources: STATUS },
  ],
  'apps/v1': [
    { kind: 'Deployment', shortNames: ['deploy'], all: true, subresources: SCALABLE },
    { kind: 'ReplicaSet', shortNames: ['rs'], all: true, subresources: SCALABLE },
    { kind: 'StatefulSet', shortNames: ['sts'], all: true, subresources: SCALABLE },
    { kind: 'DaemonSet', shortNames: ['ds'], all: true, subresources: STATUS },
  ],
  'batch/v1': [
    { kind: 'Job', all: true, subresources: STATUS },
    { kind: 'CronJob', shortNames: ['cj'], all: true, subresources: STATUS },
  ],
  'autoscaling/v2': [
    { kind: 'HorizontalPodAutoscaler', shortNames: ['hpa'], all: true, subresources: STATUS },
  ],
  'policy/v1': [{ kind: 'PodDisruptionBudget', shortNames: ['pdb'], subresources: STATUS }],
  'networking.k8s.io/v1': [
    { kind: 'Ingress', plural: 'ingresses', shortNames: ['ing'], subresources: STATUS },
    { kind: 'IngressClass', plural: 'ingressclasses', namespaced: false },
    { kind: 'NetworkPolicy', plural: 'networkpolicies', shortNames: ['netpol'] },
  ],
  'discovery.k8s.io/v1': [{ kind: 'EndpointSlice' }],
  'storage.k8s.io/v1': [
    { kind: 'StorageClass', plural: 'storageclasses', namespaced: false, shortNames: ['sc'] },
    { kind: 'CSIDriver', namespaced: false },
  ],
  'rbac.authorization.k8s.io/v1': [
    { kind: 'Role' },
    { kind: 'RoleBinding' },
    { kind: 'ClusterRole', namespaced: false },
    { kind: 'ClusterRoleBinding', namespaced: false },
  ],
  'scheduling.k8s.io/v1': [
    { kind: 'PriorityClass', plural: 'priorityclasses', namespaced: false, shortNames: ['pc'] },
  ],
  'apiextensions.k8s.io/v1': [
    {
      kind: 'CustomResourceDefinition',
      namespaced: false,
      shortNames: ['crd', 'crds'],
      subresources: STATUS,
    },
  ],
};

function toResourceType(apiVersion: string, entry: Entry): ResourceType {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const singular = entry.kind.toLowerCase();
  return {
    group: group!,
    version: version!,
    kind: entry.kind,
    plural: entry.plural ?? `${singular}s`,
    singular,
    namespaced: entry.namespaced ?? true,
    shortNames: entry.shortNames ?? [],
    categories: entry.all ? ['all'] : [],
    subresources: entry.subresources ?? [],
    selectableFields: entry.selectableFields ?? [],
  };
}

/** Every built-in kind the sandbox serves. */
export const BUILT_IN_TYPES: readonly ResourceType[] = Object.entries(BUILT_IN).flatMap(
  ([apiVersion, entries]) => entries.map((entry) => toResourceType(apiVersion, entry)),
);
