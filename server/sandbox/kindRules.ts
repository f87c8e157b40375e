/**
 * What the API server does for particular kinds: the defaults it fills in (so that
 * `kubectl get -o yaml` looks like a real cluster's answer), the status a new object starts
 * with, and the checks that make a write `422 Invalid`. Kinds without an entry are stored as
 * sent, except custom resources, which their CRD's schema prunes, defaults and validates.
 */
import { createHash } from 'node:crypto';
import type { StatusCause } from './apiStatus.js';
import { CRD_RULE } from './crdRules.js';
import { CRON_JOB_RULE, JOB_RULE } from './jobRules.js';
import { asObject, isPlainObject, type KubeObject } from './kubeObject.js';
import {
  containerProblems,
  podSpecDefaults,
  selectorProblems,
  templateDefaults,
  type Spec,
} from './podSpecRules.js';
import { groupResourceOf, type ResourceType } from './resourceTypes.js';
import { pruneAndDefault } from './schemaPruning.js';
import { schemaProblems } from './schemaValidation.js';

/** The stored objects of a group resource, for rules that compare an object with its peers. */
export type StoredObjects = (resource: string) => readonly KubeObject[];

export interface KindRule {
  /** Fills defaults into a copy of `spec`. */
  defaults?(spec: Spec, object: KubeObject): Spec;
  /** The status of a new object; clients cannot set it on create. */
  initialStatus?: Record<string, unknown>;
  validate?(spec: Spec, object: KubeObject, stored: StoredObjects): StatusCause[];
  /** Finalizers a delete adds, holding the object until the kind's controller has cleaned up. */
  deletionFinalizers?: readonly string[];
}

const ROLLING_UPDATE = {
  type: 'RollingUpdate',
  rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
};

const replicatedWorkload = (extra: Spec): KindRule => ({
  defaults: (spec) =>
    templateDefaults({ replicas: 1, revisionHistoryLimit: 10, ...extra, ...spec }),
  initialStatus: {},
  validate: selectorProblems,
});

/** A stable cluster IP in 10.96.0.0/16 from the object's uid (collisions are left unchecked). */
function clusterIpOf(object: KubeObject): string {
  const digest = createHash('sha256').update(String(object.metadata.uid)).digest();
  return `10.96.${digest[0]}.${Math.max(2, digest[1]!)}`;
}

const RULES: Record<string, KindRule> = {
  namespaces: {
    defaults: (spec) => ({ finalizers: ['kubernetes'], ...spec }),
    initialStatus: { phase: 'Active' },
  },
  pods: {
    defaults: podSpecDefaults,
    initialStatus: { phase: 'Pending', qosClass: 'BestEffort' },
    validate: (spec) => containerProblems(spec, 'spec'),
  },
  services: {
    defaults: (spec, object) => {
      const type = spec.type ?? 'ClusterIP';
      const clusterIP =
        type === 'ExternalName' ? undefined : (spec.clusterIP ?? clusterIpOf(object));
      return {
        type,
        sessionAffinity: 'None',
        ...spec,
        ...(clusterIP ? { clusterIP, clusterIPs: [clusterIP] } : {}),
        ...(Array.isArray(spec.ports)
          ? {
              ports: spec.ports.map((port) =>
                isPlainObject(port) ? { protocol: 'TCP', targetPort: port.port, ...port } : port,
              ),
            }
          : {}),
      };
    },
    initialStatus: { loadBalancer: {} },
  },
  'deployments.apps': replicatedWorkload({
    strategy: ROLLING_UPDATE,
    progressDeadlineSeconds: 600,
  }),
  'replicasets.apps': replicatedWorkload({}),
  'statefulsets.apps': replicatedWorkload({
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
  }),
  'daemonsets.apps': {
    defaults: (spec) =>
      templateDefaults({
        revisionHistoryLimit: 10,
        updateStrategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
        },
        ...spec,
      }),
    initialStatus: {},
    validate: selectorProblems,
  },
  'jobs.batch': JOB_RULE,
  'cronjobs.batch': CRON_JOB_RULE,
  persistentvolumeclaims: { initialStatus: { phase: 'Pending' } },
  persistentvolumes: { initialStatus: { phase: 'Available' } },
  'customresourcedefinitions.apiextensions.k8s.io': CRD_RULE,
};

/** `object` with the defaults the API server fills into every create and update. */
export function withDefaults(type: ResourceType, object: KubeObject): KubeObject {
  if (type.schema) return pruneAndDefault(type.schema, object);
  const rule = RULES[groupResourceOf(type)];
  if (!rule?.defaults) return object;
  return { ...object, spec: rule.defaults(asObject(object.spec), object) };
}

/**
 * The status a new object starts with: a kind's own, else empty for every kind with a status
 * subresource (clients cannot set status on create), else `undefined` to keep what was sent.
 */
export function initialStatusOf(type: ResourceType): Record<string, unknown> | undefined {
  const status = RULES[groupResourceOf(type)]?.initialStatus;
  if (status) return structuredClone(status);
  // A custom resource starts with no status at all, as in Kubernetes.
  return type.subresources.includes('status') && !type.schema ? {} : undefined;
}

/** Why the API server would refuse to store `object` (422), or `[]`. */
export function kindProblems(
  type: ResourceType,
  object: KubeObject,
  stored: StoredObjects = () => [],
): StatusCause[] {
  if (type.schema) return schemaProblems(type.schema, object);
  const rule = RULES[groupResourceOf(type)];
  const spec = asObject(object.spec);
  return rule?.validate?.(spec, object, stored) ?? [];
}

/** The finalizers a delete of `type` adds before marking the object for deletion. */
export const deletionFinalizersOf = (type: ResourceType): readonly string[] =>
  RULES[groupResourceOf(type)]?.deletionFinalizers ?? [];
