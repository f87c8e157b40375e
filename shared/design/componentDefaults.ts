/**
 * What a component dropped onto the canvas starts as: a unique name derived from its kind, a
 * namespace when its kind has one, and for the common built-in kinds a configuration that
 * deploys as it is and passes the best-practice checks where that is reasonable. Any other kind
 * (custom resources included) starts with an empty configuration, which is still a valid
 * component.
 */
import type { Component, JsonObject } from './model.js';

export interface NewComponentInput {
  id: string;
  model: string;
  kind: string;
  apiVersion: string;
  namespaced: boolean;
  /** Where a namespaced component goes; `default` if not given. Ignored for cluster-scoped kinds. */
  namespace?: string;
  /** Names already used by components of this kind in the design. */
  takenNames: ReadonlySet<string>;
}

/**
 * A new component of `input.kind`, e.g. the third Deployment of a design becomes
 * `deployment-3` in namespace `default`, running one `nginx:1.27` container.
 */
export function newComponent(input: NewComponentInput): Component {
  const name = uniqueName(nameForKind(input.kind), input.takenNames);
  // Defaults are written for one apiVersion's schema; another version starts empty.
  const known = DEFAULTS[input.kind];
  const defaults = known?.apiVersion === input.apiVersion ? known : undefined;
  const component: Component = {
    id: input.id,
    model: input.model,
    apiVersion: input.apiVersion,
    kind: input.kind,
    name,
    labels: defaults?.labelled ? appLabels(name) : {},
    annotations: {},
    config: defaults?.config(name) ?? {},
  };
  if (input.namespaced) component.namespace = input.namespace || 'default';
  return component;
}

/** Kubernetes names are DNS-1123 labels at most (Services need one): 63 characters. */
const MAX_NAME_LENGTH = 63;

/**
 * `PersistentVolumeClaim` → `persistent-volume-claim`, `HTTPRoute` → `http-route`. It starts with
 * a letter, so it is also a valid Service name (DNS-1035).
 */
function nameForKind(kind: string): string {
  const words = kind
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '');
  return trimToLength(words, MAX_NAME_LENGTH) || 'component';
}

/** `base`, or the first of `base-2`, `base-3`, … nobody uses yet. */
function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let number = 2; ; number++) {
    const suffix = `-${number}`;
    const candidate = trimToLength(base, MAX_NAME_LENGTH - suffix.length) + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The first `length` characters, without the hyphens a cut may leave at the end. */
const trimToLength = (name: string, length: number): string =>
  name.slice(0, length).replace(/-+$/, '');

interface KindDefaults {
  /** The apiVersion whose schema `config` follows. */
  apiVersion: string;
  /** Workloads and Pods carry `app: <name>` themselves, as the pods of their template do. */
  labelled?: true;
  config(name: string): JsonObject;
}

const appLabels = (name: string): Record<string, string> => ({ app: name });
const selectApp = (name: string): JsonObject => ({ matchLabels: appLabels(name) });
const podTemplate = (name: string, spec: JsonObject): JsonObject => ({
  metadata: { labels: appLabels(name) },
  spec,
});

// Every value below is built afresh per component: an editor may mutate what it gets.
const resources = (): JsonObject => ({
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
});

/**
 * A web server answering on port 80. The stock nginx image runs its master process as root and
 * writes below /var, so it is not marked runAsNonRoot or given a read-only root filesystem: those
 * checks stay as advice rather than a default that fails to start.
 */
const webPodSpec = (): JsonObject => ({
  containers: [
    {
      name: 'app',
      image: 'nginx:1.27',
      ports: [{ containerPort: 80 }],
      resources: resources(),
      readinessProbe: { httpGet: { path: '/', port: 80 } },
      livenessProbe: { httpGet: { path: '/', port: 80 } },
    },
  ],
});

/** A one-shot command; busybox runs fine as nobody on a read-only root filesystem. */
const jobPodSpec = (): JsonObject => ({
  restartPolicy: 'Never',
  containers: [
    {
      name: 'app',
      image: 'busybox:1.36',
      command: ['sh', '-c', 'echo hello from weft'],
      resources: resources(),
      securityContext: { runAsNonRoot: true, runAsUser: 65534, readOnlyRootFilesystem: true },
    },
  ],
});

const replicatedWorkload = (apiVersion: string): KindDefaults => ({
  apiVersion,
  labelled: true,
  config: (name) => ({
    spec: { replicas: 1, selector: selectApp(name), template: podTemplate(name, webPodSpec()) },
  }),
});

const readPods = (): JsonObject[] => [
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
];

/** Defaults by kind. Kinds not here (Namespace, ServiceAccount, custom resources) start empty. */
const DEFAULTS: Record<string, KindDefaults> = {
  Deployment: replicatedWorkload('apps/v1'),
  ReplicaSet: replicatedWorkload('apps/v1'),
  StatefulSet: {
    apiVersion: 'apps/v1',
    labelled: true,
    config: (name) => ({
      spec: {
        serviceName: name,
        replicas: 1,
        selector: selectApp(name),
        template: podTemplate(name, webPodSpec()),
      },
    }),
  },
  DaemonSet: {
    apiVersion: 'apps/v1',
    labelled: true,
    config: (name) => ({
      spec: { selector: selectApp(name), template: podTemplate(name, webPodSpec()) },
    }),
  },
  Pod: { apiVersion: 'v1', labelled: true, config: () => ({ spec: webPodSpec() }) },
  Job: {
    apiVersion: 'batch/v1',
    labelled: true,
    config: (name) => ({ spec: { template: podTemplate(name, jobPodSpec()) } }),
  },
  CronJob: {
    apiVersion: 'batch/v1',
    labelled: true,
    config: (name) => ({
      spec: {
        schedule: '*/5 * * * *',
        jobTemplate: { spec: { template: podTemplate(name, jobPodSpec()) } },
      },
    }),
  },
  Service: {
    apiVersion: 'v1',
    config: (name) => ({
      spec: { type: 'ClusterIP', selector: appLabels(name), ports: [{ port: 80, targetPort: 80 }] },
    }),
  },
  Ingress: {
    apiVersion: 'networking.k8s.io/v1',
    config: (name) => ({
      spec: {
        rules: [
          {
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name, port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    }),
  },
  NetworkPolicy: {
    apiVersion: 'networking.k8s.io/v1',
    // No ingress rules yet: the selected pods accept no traffic until rules are added.
    config: (name) => ({ spec: { podSelector: selectApp(name), policyTypes: ['Ingress'] } }),
  },
  ConfigMap: { apiVersion: 'v1', config: () => ({ data: { LOG_LEVEL: 'info' } }) },
  // No example value: a placeholder secret would be deployed as if it were one.
  Secret: { apiVersion: 'v1', config: () => ({ type: 'Opaque', stringData: {} }) },
  PersistentVolumeClaim: {
    apiVersion: 'v1',
    config: () => ({
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    }),
  },
  HorizontalPodAutoscaler: {
    apiVersion: 'autoscaling/v2',
    config: (name) => ({
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: 1,
        maxReplicas: 3,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
          },
        ],
      },
    }),
  },
  PodDisruptionBudget: {
    apiVersion: 'policy/v1',
    // maxUnavailable rather than minAvailable: with one replica, minAvailable 1 blocks every drain.
    config: (name) => ({ spec: { maxUnavailable: 1, selector: selectApp(name) } }),
  },
  PriorityClass: { apiVersion: 'scheduling.k8s.io/v1', config: () => ({ value: 1000 }) },
  Role: { apiVersion: 'rbac.authorization.k8s.io/v1', config: () => ({ rules: readPods() }) },
  ClusterRole: {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    config: () => ({ rules: readPods() }),
  },
  RoleBinding: {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    // The subject has no namespace, so it follows the binding's when that moves.
    config: (name) => ({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name }],
    }),
  },
  ClusterRoleBinding: {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    config: (name) => ({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: 'default' }],
    }),
  },
};
