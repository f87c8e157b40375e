/**
 * Generated designs shaped like real ones: applications of a Deployment with its Service,
 * ConfigMap, Secret, ServiceAccount, Role, RoleBinding and HorizontalPodAutoscaler, spread over
 * namespaces that are themselves components. Deterministic for a given size.
 */
import type { Component, JsonObject } from '../../shared/design/model.js';

const NAMESPACES = 20;

function component(
  kind: string,
  name: string,
  namespace: string | undefined,
  config: JsonObject,
  labels: Record<string, string> = {},
): Component {
  const id = namespace ? `${namespace}/${kind}/${name}` : `${kind}/${name}`;
  const base = {
    id,
    model: 'kubernetes',
    apiVersion: 'v1',
    kind,
    name,
    labels,
    annotations: {},
    config,
  };
  return namespace ? { ...base, namespace, parent: `Namespace/${namespace}` } : base;
}

function application(index: number): Component[] {
  const namespace = `team-${index % NAMESPACES}`;
  const app = `app-${index}`;
  const labels = { app };
  const podSpec: JsonObject = {
    serviceAccountName: app,
    containers: [
      {
        name: app,
        image: `registry.example.com/${app}:1.4.2`,
        ports: [{ containerPort: 8080 }],
        envFrom: [{ configMapRef: { name: app } }, { secretRef: { name: app } }],
        resources: { requests: { cpu: '100m', memory: '128Mi' } },
      },
    ],
  };
  return [
    component(
      'Deployment',
      app,
      namespace,
      {
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: podSpec },
        },
      },
      labels,
    ),
    component(
      'Service',
      app,
      namespace,
      { spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } },
      labels,
    ),
    component('ConfigMap', app, namespace, { data: { LOG_LEVEL: 'info' } }, labels),
    component('Secret', app, namespace, { type: 'Opaque', data: { TOKEN: 'c2VjcmV0' } }, labels),
    component('ServiceAccount', app, namespace, {}, labels),
    component(
      'Role',
      app,
      namespace,
      { rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] },
      labels,
    ),
    component(
      'RoleBinding',
      app,
      namespace,
      {
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: app },
        subjects: [{ kind: 'ServiceAccount', name: app }],
      },
      labels,
    ),
    component(
      'HorizontalPodAutoscaler',
      app,
      namespace,
      {
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app },
          minReplicas: 2,
          maxReplicas: 10,
        },
      },
      labels,
    ),
  ];
}

/** A design of exactly `size` components: namespaces first, then whole applications. */
export function realisticDesign(size: number): Component[] {
  const namespaces = Array.from({ length: Math.min(NAMESPACES, size) }, (_, i) =>
    component('Namespace', `team-${i}`, undefined, {}),
  );
  const components = [...namespaces];
  for (let index = 0; components.length < size; index++) components.push(...application(index));
  return components.slice(0, size);
}

/** The Deployments of a design: what the edit benchmark changes. */
export const deploymentsOf = (design: Component[]): Component[] =>
  design.filter((component) => component.kind === 'Deployment');
