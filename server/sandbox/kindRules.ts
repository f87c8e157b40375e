/**
 * What the API server does for particular kinds: the defaults it fills in (so that
 * `kubectl get -o yaml` looks like a real cluster's answer), the status a new object starts
 * with, and the checks that make a write `422 Invalid`. Kinds without an entry are stored as
 * sent.
 */
import { createHash } from 'node:crypto';
import { invalidValue, requiredValue, type StatusCause } from './apiStatus.js';
import { isPlainObject, type KubeObject } from './kubeObject.js';
import { groupResourceOf, type ResourceType } from './resourceTypes.js';
import { SelectorError, selectorFromLabelSelector } from './selectors.js';

type Spec = Record<string, unknown>;

interface KindRule {
  /** Fills defaults into a copy of `spec`. */
  defaults?(spec: Spec, object: KubeObject): Spec;
  /** The status of a new object; clients cannot set it on create. */
  initialStatus?: Record<string, unknown>;
  validate?(spec: Spec, object: KubeObject): StatusCause[];
}

const containersDefaults = (containers: unknown): unknown =>
  Array.isArray(containers)
    ? containers.map((container) =>
        isPlainObject(container)
          ? {
              imagePullPolicy: String(container.image ?? '').endsWith(':latest')
                ? 'Always'
                : 'IfNotPresent',
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
              ...container,
              ...(Array.isArray(container.ports)
                ? {
                    ports: container.ports.map((port) =>
                      isPlainObject(port) ? { protocol: 'TCP', ...port } : port,
                    ),
                  }
                : {}),
            }
          : container,
      )
    : containers;

const podSpecDefaults = (spec: Spec): Spec => ({
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  dnsPolicy: 'ClusterFirst',
  schedulerName: 'default-scheduler',
  securityContext: {},
  ...spec,
  containers: containersDefaults(spec.containers),
  ...(spec.initContainers ? { initContainers: containersDefaults(spec.initContainers) } : {}),
});

/** Pod templates of workload kinds get the same defaults as pods. */
const templateDefaults = (spec: Spec): Spec => {
  const template = isPlainObject(spec.template) ? spec.template : {};
  return {
    ...spec,
    template: {
      ...template,
      spec: podSpecDefaults(isPlainObject(template.spec) ? template.spec : {}),
    },
  };
};

function containerProblems(spec: unknown, field: string): StatusCause[] {
  const containers = isPlainObject(spec) ? spec.containers : undefined;
  if (!Array.isArray(containers) || containers.length === 0) {
    return [requiredValue(`${field}.containers`)];
  }
  return containers.flatMap((container, index) => {
    const at = `${field}.containers[${index}]`;
    if (!isPlainObject(container)) return [invalidValue(at, container, 'must be an object')];
    return [
      ...(typeof container.name === 'string' && container.name
        ? []
        : [requiredValue(`${at}.name`)]),
      ...(typeof container.image === 'string' && container.image
        ? []
        : [requiredValue(`${at}.image`)]),
    ];
  });
}

/** A controller's `selector` is required and must select its own pod template. */
function selectorProblems(spec: Spec): StatusCause[] {
  if (!isPlainObject(spec.selector)) return [requiredValue('spec.selector')];
  let selects: boolean;
  try {
    const template = isPlainObject(spec.template) ? spec.template : {};
    const metadata = isPlainObject(template.metadata) ? template.metadata : {};
    selects = selectorFromLabelSelector(spec.selector).matches(
      metadata.labels as Record<string, string> | undefined,
    );
  } catch (error) {
    if (!(error instanceof SelectorError)) throw error;
    return [invalidValue('spec.selector', spec.selector, error.message)];
  }
  return selects
    ? containerProblems((spec.template as Spec | undefined)?.spec, 'spec.template.spec')
    : [
        invalidValue(
          'spec.template.metadata.labels',
          (spec.template as Spec | undefined)?.metadata,
          '`selector` does not match template `labels`',
        ),
      ];
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
  'jobs.batch': {
    defaults: (spec) =>
      templateDefaults({ backoffLimit: 6, completions: 1, parallelism: 1, ...spec }),
    initialStatus: {},
    validate: (spec) =>
      containerProblems((spec.template as Spec | undefined)?.spec, 'spec.template.spec'),
  },
  persistentvolumeclaims: { initialStatus: { phase: 'Pending' } },
  persistentvolumes: { initialStatus: { phase: 'Available' } },
};

/** `object` with the defaults the API server fills into every create and update. */
export function withDefaults(type: ResourceType, object: KubeObject): KubeObject {
  const rule = RULES[groupResourceOf(type)];
  if (!rule?.defaults) return object;
  return { ...object, spec: rule.defaults(isPlainObject(object.spec) ? object.spec : {}, object) };
}

/**
 * The status a new object starts with: a kind's own, else empty for every kind with a status
 * subresource (clients cannot set status on create), else `undefined` to keep what was sent.
 */
export function initialStatusOf(type: ResourceType): Record<string, unknown> | undefined {
  const status = RULES[groupResourceOf(type)]?.initialStatus;
  if (status) return structuredClone(status);
  return type.subresources.includes('status') ? {} : undefined;
}

/** Why the API server would refuse to store `object` (422), or `[]`. */
export function kindProblems(type: ResourceType, object: KubeObject): StatusCause[] {
  const rule = RULES[groupResourceOf(type)];
  const spec = isPlainObject(object.spec) ? object.spec : {};
  return rule?.validate?.(spec, object) ?? [];
}
