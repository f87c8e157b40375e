/**
 * Best-practice checks, with the relationships the engine infers for the same components (the
 * cross-component checks depend on them).
 */
import { describe, expect, it } from 'vitest';
import { CHECKS, findingsFor, subjectIn, type Finding } from '../../shared/checks/bestPractices.js';
import type { Component, JsonObject } from '../../shared/design/model.js';
import { RelationshipEngine } from '../../shared/relationships/engine.js';
import { KUBERNETES_RELATIONSHIPS } from '../../shared/relationships/kubernetes.js';
import { component } from '../helpers/components.js';

const hardenedContainer: JsonObject = {
  name: 'web',
  image: 'registry.example.com/web:1.4.2',
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
  livenessProbe: { httpGet: { path: '/live', port: 8080 } },
  readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
  securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true },
  envFrom: [{ configMapRef: { name: 'settings' } }],
};

const deployment = (container: JsonObject, spec: JsonObject = {}, replicas = 2) =>
  component(
    'Deployment',
    'web',
    {
      spec: {
        replicas,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [container], ...spec },
        },
      },
    },
    { apiVersion: 'apps/v1' },
  );

/** Findings for every component of a design, as the hub works them out. */
function findings(components: Component[], disabled: string[] = []): Record<string, Finding[]> {
  const engine = new RelationshipEngine(KUBERNETES_RELATIONSHIPS);
  engine.update({ upserted: components, removed: [] });
  return Object.fromEntries(
    components.map((c) => [c.id, findingsFor(subjectIn(engine, c), new Set(disabled))]),
  );
}

const checksOf = (found: Finding[] | undefined) => (found ?? []).map((f) => f.check).sort();

describe('best-practice checks', () => {
  it('lists every check with a severity and a line of advice', () => {
    expect(CHECKS.map((check) => check.id)).toEqual(
      expect.arrayContaining([
        'resources',
        'image-tag',
        'probes',
        'run-as-non-root',
        'privileged',
        'host-namespaces',
        'read-only-root-filesystem',
        'dangerous-capabilities',
        'service-selects-nothing',
        'ingress-missing-service',
        'missing-reference',
        'single-replica-without-pdb',
        'deprecated-api-version',
      ]),
    );
    for (const check of CHECKS) expect(check.docs.length).toBeGreaterThan(20);
  });

  it('finds nothing wrong with a hardened workload whose references are all in the design', () => {
    const found = findings([deployment(hardenedContainer), component('ConfigMap', 'settings')]);
    expect(found['Deployment/web']).toEqual([]);
  });

  it('reports each problem of a careless workload, with the path of the field', () => {
    const careless = deployment(
      {
        name: 'web',
        image: 'nginx',
        securityContext: {
          privileged: true,
          runAsUser: 0,
          capabilities: { add: ['SYS_ADMIN', 'CHOWN'] },
        },
      },
      { hostNetwork: true },
      1,
    );
    const found = findings([careless])['Deployment/web']!;
    expect(checksOf(found)).toEqual([
      'dangerous-capabilities',
      'host-namespaces',
      'image-tag',
      'privileged',
      'probes',
      'read-only-root-filesystem',
      'resources',
      'run-as-non-root',
      'single-replica-without-pdb',
    ]);
    expect(found.find((f) => f.check === 'image-tag')).toEqual({
      check: 'image-tag',
      severity: 'warning',
      message: 'container web: image nginx has no tag',
      path: 'config.spec.template.spec.containers[0].image',
    });
    expect(found.find((f) => f.check === 'dangerous-capabilities')?.message).toBe(
      'container web: adds SYS_ADMIN',
    );
    expect(found.find((f) => f.check === 'host-namespaces')?.path).toBe(
      'config.spec.template.spec.hostNetwork',
    );
  });

  it('flags `latest`, but not a digest', () => {
    const latest = findings([
      deployment({ ...hardenedContainer, image: 'web:latest' }),
      component('ConfigMap', 'settings'),
    ]);
    expect(checksOf(latest['Deployment/web'])).toEqual(['image-tag']);
    const digest = findings([
      deployment({ ...hardenedContainer, image: 'web@sha256:abc' }),
      component('ConfigMap', 'settings'),
    ]);
    expect(checksOf(digest['Deployment/web'])).toEqual([]);
  });

  it('reports references to what the design lacks, and clears them once it has them', () => {
    const workload = deployment(
      { ...hardenedContainer, envFrom: [{ secretRef: { name: 'token' } }] },
      {
        serviceAccountName: 'runner',
        volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }],
      },
    );
    const missing = findings([workload])['Deployment/web']!.filter(
      (f) => f.check === 'missing-reference',
    );
    expect(missing.map((f) => f.message).sort()).toEqual([
      'PersistentVolumeClaim data is not in the design',
      'Secret token is not in the design',
      'ServiceAccount runner is not in the design',
    ]);
    const complete = findings([
      workload,
      component('Secret', 'token'),
      component('ServiceAccount', 'runner'),
      component('PersistentVolumeClaim', 'data'),
    ]);
    expect(checksOf(complete['Deployment/web'])).toEqual([]);
  });

  it('reports a Service that selects nothing and an Ingress to a missing Service', () => {
    const service = component('Service', 'web', {
      spec: { selector: { app: 'nothing' }, ports: [{ port: 80 }] },
    });
    const ingress = component(
      'Ingress',
      'front',
      {
        spec: {
          rules: [
            {
              http: {
                paths: [
                  { path: '/', backend: { service: { name: 'web' } } },
                  { path: '/api', backend: { service: { name: 'api' } } },
                ],
              },
            },
          ],
        },
      },
      { apiVersion: 'networking.k8s.io/v1' },
    );
    const found = findings([service, ingress]);
    expect(checksOf(found['Service/web'])).toEqual(['service-selects-nothing']);
    expect(found['Ingress/front']).toEqual([
      {
        check: 'ingress-missing-service',
        severity: 'error',
        message: 'Service api is not in the design',
        path: 'config.spec.rules[0].http.paths[1].backend.service.name',
      },
    ]);
  });

  it('knows removed apiVersions, and leaves out checks a design switched off', () => {
    const old = component('Ingress', 'legacy', {}, { apiVersion: 'extensions/v1beta1' });
    expect(checksOf(findings([old])['Ingress/legacy'])).toEqual(['deprecated-api-version']);
    expect(findings([old], ['deprecated-api-version'])['Ingress/legacy']).toEqual([]);
  });
});
