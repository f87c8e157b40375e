/**
 * Best-practice checks on components: pure functions from a component (and the relationships
 * inference found for it) to findings. Each check has an id, a severity and a line of advice;
 * `GET /api/checks` lists them, and a design can switch any of them off in its `meta`.
 */
import {
  asJsonObject,
  isJsonObject,
  type Component,
  type JsonObject,
  type JsonValue,
} from '../design/model.js';
import type { InferredRelationship, RelationshipEngine } from '../relationships/engine.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  check: string;
  severity: Severity;
  message: string;
  /** Where in the component, e.g. `config.spec.template.spec.containers[0].image`. */
  path: string;
}

export interface Check {
  id: string;
  severity: Severity;
  title: string;
  /** What to do about it, in one line. */
  docs: string;
}

/** What a check sees: the component, the relationships it takes part in, the whole design. */
export interface CheckSubject {
  component: Component;
  relationships: readonly InferredRelationship[];
  components: ReadonlyMap<string, Component>;
}

/** What a check sees of `component` in a design the engine has evaluated. */
export function subjectIn(
  engine: Pick<RelationshipEngine, 'components' | 'relationshipsOf'>,
  component: Component,
): CheckSubject {
  return {
    component,
    relationships: engine.relationshipsOf(component.id),
    components: engine.components,
  };
}

interface CheckRule extends Check {
  run(subject: CheckSubject): { message: string; path: string }[];
}

const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** Where a kind keeps its pod spec inside `config`, if it has one. */
function podSpecPath(kind: string): string[] | undefined {
  if (kind === 'Pod') return ['spec'];
  if (TEMPLATE_KINDS.has(kind)) return ['spec', 'template', 'spec'];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
  return undefined;
}

interface PodSpec {
  spec: JsonObject;
  path: string;
}

function podSpecOf(component: Component): PodSpec | undefined {
  const steps = podSpecPath(component.kind);
  if (!steps) return undefined;
  let value: JsonValue | undefined = component.config;
  for (const step of steps) value = isJsonObject(value) ? value[step] : undefined;
  return isJsonObject(value) ? { spec: value, path: ['config', ...steps].join('.') } : undefined;
}

interface Container {
  container: JsonObject;
  path: string;
}

/** The containers and init containers of a pod spec, with their paths. */
function containersOf(pod: PodSpec): Container[] {
  return (['containers', 'initContainers'] as const).flatMap((field) => {
    const list = pod.spec[field];
    if (!Array.isArray(list)) return [];
    return list.filter(isJsonObject).map((container, index) => ({
      container,
      path: `${pod.path}.${field}[${index}]`,
    }));
  });
}

/** A check run on every container of a component's pod spec. */
function perContainer(
  check: (container: JsonObject, pod: JsonObject) => string | undefined,
  field: string,
): CheckRule['run'] {
  return ({ component }) => {
    const pod = podSpecOf(component);
    if (!pod) return [];
    return containersOf(pod).flatMap(({ container, path }) => {
      const message = check(container, pod.spec);
      const name = typeof container.name === 'string' ? container.name : '?';
      return message ? [{ message: `container ${name}: ${message}`, path: `${path}${field}` }] : [];
    });
  };
}

const security = (object: JsonObject): JsonObject => asJsonObject(object.securityContext);

const DANGEROUS_CAPABILITIES = new Set([
  'ALL',
  'SYS_ADMIN',
  'NET_ADMIN',
  'SYS_PTRACE',
  'SYS_MODULE',
  'NET_RAW',
  'DAC_READ_SEARCH',
  'BPF',
]);

/** apiVersion → the kinds it was removed for, and what replaces it. */
const DEPRECATED_API_VERSIONS: Record<string, string> = {
  'extensions/v1beta1': 'apps/v1 or networking.k8s.io/v1',
  'apps/v1beta1': 'apps/v1',
  'apps/v1beta2': 'apps/v1',
  'batch/v1beta1': 'batch/v1',
  'policy/v1beta1': 'policy/v1',
  'networking.k8s.io/v1beta1': 'networking.k8s.io/v1',
  'autoscaling/v2beta1': 'autoscaling/v2',
  'autoscaling/v2beta2': 'autoscaling/v2',
  'rbac.authorization.k8s.io/v1beta1': 'rbac.authorization.k8s.io/v1',
  'storage.k8s.io/v1beta1': 'storage.k8s.io/v1',
  'apiextensions.k8s.io/v1beta1': 'apiextensions.k8s.io/v1',
};

/** Names a pod spec refers to, per kind of referenced object. */
function referencedNames(
  pod: PodSpec,
): Record<
  'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount',
  { name: string; path: string }[]
> {
  const found = {
    ConfigMap: [],
    Secret: [],
    PersistentVolumeClaim: [],
    ServiceAccount: [],
  } as Record<
    'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount',
    { name: string; path: string }[]
  >;
  const add = (kind: keyof typeof found, name: JsonValue | undefined, path: string) => {
    if (typeof name === 'string' && name !== '') found[kind].push({ name, path });
  };
  const account = pod.spec.serviceAccountName;
  if (account !== 'default') add('ServiceAccount', account, `${pod.path}.serviceAccountName`);
  const volumes = Array.isArray(pod.spec.volumes) ? pod.spec.volumes.filter(isJsonObject) : [];
  volumes.forEach((volume, index) => {
    const at = `${pod.path}.volumes[${index}]`;
    if (isJsonObject(volume.configMap))
      add('ConfigMap', volume.configMap.name, `${at}.configMap.name`);
    if (isJsonObject(volume.secret))
      add('Secret', volume.secret.secretName, `${at}.secret.secretName`);
    if (isJsonObject(volume.persistentVolumeClaim)) {
      add(
        'PersistentVolumeClaim',
        volume.persistentVolumeClaim.claimName,
        `${at}.persistentVolumeClaim.claimName`,
      );
    }
  });
  for (const { container, path } of containersOf(pod)) {
    const envFrom = Array.isArray(container.envFrom) ? container.envFrom.filter(isJsonObject) : [];
    envFrom.forEach((source, index) => {
      if (isJsonObject(source.configMapRef))
        add('ConfigMap', source.configMapRef.name, `${path}.envFrom[${index}].configMapRef.name`);
      if (isJsonObject(source.secretRef))
        add('Secret', source.secretRef.name, `${path}.envFrom[${index}].secretRef.name`);
    });
    const env = Array.isArray(container.env) ? container.env.filter(isJsonObject) : [];
    env.forEach((variable, index) => {
      const from = asJsonObject(variable.valueFrom);
      if (isJsonObject(from.configMapKeyRef) && from.configMapKeyRef.optional !== true) {
        add(
          'ConfigMap',
          from.configMapKeyRef.name,
          `${path}.env[${index}].valueFrom.configMapKeyRef.name`,
        );
      }
      if (isJsonObject(from.secretKeyRef) && from.secretKeyRef.optional !== true) {
        add('Secret', from.secretKeyRef.name, `${path}.env[${index}].valueFrom.secretKeyRef.name`);
      }
    });
  }
  return found;
}

/** Names of the components of `kind` related to `subject` (by any relationship). */
function relatedNames(subject: CheckSubject, kind: string): Set<string> {
  const related = new Set<string>();
  for (const relationship of subject.relationships) {
    const other = relationship.from === subject.component.id ? relationship.to : relationship.from;
    const component = subject.components.get(other);
    if (component?.kind === kind) related.add(component.name);
  }
  return related;
}

const hasRelationship = (subject: CheckSubject, definitionPrefix: string): boolean =>
  subject.relationships.some((relationship) =>
    relationship.definition.startsWith(definitionPrefix),
  );

/** Every check, in the order findings are reported. */
const RULES: readonly CheckRule[] = [
  {
    id: 'resources',
    severity: 'warning',
    title: 'Container without resource requests and limits',
    docs: 'Set resources.requests (cpu, memory) so the scheduler can place pods, and limits so one pod cannot starve its node.',
    run: perContainer((container) => {
      const resources = asJsonObject(container.resources);
      const missing = ['requests', 'limits'].filter(
        (key) => !isJsonObject(resources[key]) || Object.keys(resources[key]).length === 0,
      );
      return missing.length > 0 ? `no resource ${missing.join(' or ')}` : undefined;
    }, '.resources'),
  },
  {
    id: 'image-tag',
    severity: 'warning',
    title: 'Image without a tag, or tagged latest',
    docs: 'Pin images to a version tag or digest, so that every pod runs the same code and rollbacks mean something.',
    run: perContainer((container) => {
      const image = typeof container.image === 'string' ? container.image : '';
      if (image === '') return 'no image';
      if (image.includes('@')) return undefined;
      const lastPart = image.slice(image.lastIndexOf('/') + 1);
      if (!lastPart.includes(':')) return `image ${image} has no tag`;
      return lastPart.endsWith(':latest') ? `image ${image} is tagged latest` : undefined;
    }, '.image'),
  },
  {
    id: 'probes',
    severity: 'info',
    title: 'Container without liveness and readiness probes',
    docs: 'Add a readinessProbe so traffic waits until the container is ready, and a livenessProbe so a stuck container is restarted.',
    run: ({ component }) => {
      const pod = podSpecOf(component);
      if (!pod || component.kind === 'Job' || component.kind === 'CronJob') return [];
      const list = Array.isArray(pod.spec.containers)
        ? pod.spec.containers.filter(isJsonObject)
        : [];
      return list.flatMap((container, index) => {
        const missing = ['livenessProbe', 'readinessProbe'].filter(
          (probe) => !isJsonObject(container[probe]),
        );
        const name = typeof container.name === 'string' ? container.name : '?';
        return missing.length > 0
          ? [
              {
                message: `container ${name}: no ${missing.join(' or ')}`,
                path: `${pod.path}.containers[${index}]`,
              },
            ]
          : [];
      });
    },
  },
  {
    id: 'run-as-non-root',
    severity: 'warning',
    title: 'May run as root',
    docs: 'Set securityContext.runAsNonRoot: true (on the pod or each container) and a non-zero runAsUser.',
    run: perContainer((container, pod) => {
      const user = security(container).runAsUser ?? security(pod).runAsUser;
      if (user === 0) return 'runs as user 0 (root)';
      const nonRoot = security(container).runAsNonRoot ?? security(pod).runAsNonRoot;
      return nonRoot === true ? undefined : 'runAsNonRoot is not set';
    }, '.securityContext'),
  },
  {
    id: 'privileged',
    severity: 'error',
    title: 'Privileged container',
    docs: 'Remove securityContext.privileged: a privileged container has full access to its node.',
    run: perContainer(
      (container) => (security(container).privileged === true ? 'runs privileged' : undefined),
      '.securityContext.privileged',
    ),
  },
  {
    id: 'host-namespaces',
    severity: 'error',
    title: 'Shares the node’s network, PID or IPC namespace',
    docs: 'Leave hostNetwork, hostPID and hostIPC unset unless the workload really manages the node.',
    run: ({ component }) => {
      const pod = podSpecOf(component);
      if (!pod) return [];
      return ['hostNetwork', 'hostPID', 'hostIPC']
        .filter((field) => pod.spec[field] === true)
        .map((field) => ({ message: `${field} is on`, path: `${pod.path}.${field}` }));
    },
  },
  {
    id: 'read-only-root-filesystem',
    severity: 'info',
    title: 'Writable root filesystem',
    docs: 'Set securityContext.readOnlyRootFilesystem: true and mount writable volumes only where the container writes.',
    run: perContainer(
      (container) =>
        security(container).readOnlyRootFilesystem === true
          ? undefined
          : 'the root filesystem is writable',
      '.securityContext.readOnlyRootFilesystem',
    ),
  },
  {
    id: 'dangerous-capabilities',
    severity: 'error',
    title: 'Adds dangerous Linux capabilities',
    docs: `Drop capabilities such as ${[...DANGEROUS_CAPABILITIES].join(', ')}; add only the narrow ones the process needs.`,
    run: perContainer((container) => {
      const capabilities = asJsonObject(security(container).capabilities);
      const added = Array.isArray(capabilities.add) ? capabilities.add.map(String) : [];
      const dangerous = added.filter((capability) =>
        DANGEROUS_CAPABILITIES.has(capability.toUpperCase()),
      );
      return dangerous.length > 0 ? `adds ${dangerous.join(', ')}` : undefined;
    }, '.securityContext.capabilities.add'),
  },
  {
    id: 'service-selects-nothing',
    severity: 'warning',
    title: 'Service selecting no workload in the design',
    docs: 'Make the Service selector match the pod template labels of a workload, or add the workload it is meant for.',
    run: (subject) => {
      const { component } = subject;
      if (component.kind !== 'Service') return [];
      const spec = asJsonObject(component.config.spec);
      if (
        spec.type === 'ExternalName' ||
        !isJsonObject(spec.selector) ||
        Object.keys(spec.selector).length === 0
      )
        return [];
      return hasRelationship(subject, 'kubernetes/service-selects-')
        ? []
        : [
            {
              message: 'its selector matches no workload or Pod in the design',
              path: 'config.spec.selector',
            },
          ];
    },
  },
  {
    id: 'ingress-missing-service',
    severity: 'error',
    title: 'Ingress routing to a Service not in the design',
    docs: 'Add the Service the Ingress names, or correct the backend service name.',
    run: (subject) => {
      const { component } = subject;
      if (component.kind !== 'Ingress') return [];
      const present = relatedNames(subject, 'Service');
      const spec = asJsonObject(component.config.spec);
      const backends: { name: string; path: string }[] = [];
      const backend = (value: JsonValue | undefined, path: string) => {
        if (
          isJsonObject(value) &&
          isJsonObject(value.service) &&
          typeof value.service.name === 'string'
        ) {
          backends.push({ name: value.service.name, path: `${path}.service.name` });
        }
      };
      backend(spec.defaultBackend, 'config.spec.defaultBackend');
      const rules = Array.isArray(spec.rules) ? spec.rules.filter(isJsonObject) : [];
      rules.forEach((rule, r) => {
        const paths =
          isJsonObject(rule.http) && Array.isArray(rule.http.paths)
            ? rule.http.paths.filter(isJsonObject)
            : [];
        paths.forEach((entry, p) =>
          backend(entry.backend, `config.spec.rules[${r}].http.paths[${p}].backend`),
        );
      });
      return backends
        .filter(({ name }) => !present.has(name))
        .map(({ name, path }) => ({ message: `Service ${name} is not in the design`, path }));
    },
  },
  {
    id: 'missing-reference',
    severity: 'error',
    title: 'Refers to a ConfigMap, Secret, claim or ServiceAccount not in the design',
    docs: 'Add what the pod spec names to the design, or mark an env reference optional if it may be absent.',
    run: (subject) => {
      const pod = podSpecOf(subject.component);
      if (!pod) return [];
      const references = referencedNames(pod);
      return (Object.keys(references) as (keyof typeof references)[]).flatMap((kind) => {
        const present = relatedNames(subject, kind);
        return references[kind]
          .filter(({ name }) => !present.has(name))
          .map(({ name, path }) => ({ message: `${kind} ${name} is not in the design`, path }));
      });
    },
  },
  {
    id: 'single-replica-without-pdb',
    severity: 'info',
    title: 'A single replica and no PodDisruptionBudget',
    docs: 'Run at least two replicas with a PodDisruptionBudget, so that draining a node does not take the workload down.',
    run: (subject) => {
      const { component } = subject;
      if (component.kind !== 'Deployment' && component.kind !== 'StatefulSet') return [];
      const spec = asJsonObject(component.config.spec);
      const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
      if (replicas > 1 || hasRelationship(subject, 'kubernetes/pdb-selects-')) return [];
      return [
        {
          message: `${replicas} replica and no PodDisruptionBudget selects it`,
          path: 'config.spec.replicas',
        },
      ];
    },
  },
  {
    id: 'deprecated-api-version',
    severity: 'warning',
    title: 'Deprecated or removed apiVersion',
    docs: 'Move the resource to the apiVersion current Kubernetes serves; the old one is removed.',
    run: ({ component }) => {
      const replacement = DEPRECATED_API_VERSIONS[component.apiVersion];
      return replacement
        ? [
            {
              message: `${component.apiVersion} is removed in current Kubernetes: use ${replacement}`,
              path: 'apiVersion',
            },
          ]
        : [];
    },
  },
];

/** The checks as `GET /api/checks` lists them. */
export const CHECKS: readonly Check[] = RULES.map(({ id, severity, title, docs }) => ({
  id,
  severity,
  title,
  docs,
}));

/** Every finding for one component, leaving out the checks in `disabled`. */
export function findingsFor(
  subject: CheckSubject,
  disabled: ReadonlySet<string> = new Set(),
): Finding[] {
  return RULES.filter((check) => !disabled.has(check.id)).flatMap((check) =>
    check.run(subject).map((found) => ({ check: check.id, severity: check.severity, ...found })),
  );
}
