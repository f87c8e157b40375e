/**
 * The relationship engine with the shipped Kubernetes definitions: each definition positive and
 * negative, deny rules, namespaces, three-party matching, patches, removal, and incremental
 * evaluation agreeing with evaluation from scratch.
 */
import * as prng from 'lib0/prng';
import { describe, expect, it } from 'vitest';
import type { Component, JsonObject } from '../../shared/design/model.js';
import { DefinitionError, parseDefinitions } from '../../shared/relationships/definition.js';
import {
  RelationshipEngine,
  relationshipId,
  type InferenceAction,
} from '../../shared/relationships/engine.js';
import { KUBERNETES_RELATIONSHIPS } from '../../shared/relationships/kubernetes.js';
import { component } from '../helpers/components.js';

const podTemplate = (labels: Record<string, string>, spec: JsonObject = {}): JsonObject => ({
  spec: { template: { metadata: { labels }, spec: { containers: [{ name: 'app', ...spec }] } } },
});

const deployment = (name: string, labels: Record<string, string>, container: JsonObject = {}) =>
  component('Deployment', name, podTemplate(labels, container));

const service = (name: string, selector: Record<string, string>, extra: Partial<Component> = {}) =>
  component('Service', name, { spec: { selector, ports: [{ port: 80 }] } }, extra);

/** An engine with the shipped definitions and the components given; returns both. */
function engineWith(...components: Component[]) {
  const engine = new RelationshipEngine(KUBERNETES_RELATIONSHIPS);
  const actions = engine.update({ upserted: components, removed: [] });
  return { engine, actions };
}

/** `definition from→to` for every relationship, sorted: easy to compare. */
const summary = (engine: RelationshipEngine): string[] =>
  [...engine.relationships.values()]
    .map(
      (r) =>
        `${r.definition.replace('kubernetes/', '')} ${r.from}→${r.to}${r.via ? ` via ${r.via}` : ''}`,
    )
    .sort();

const ofDefinition = (engine: RelationshipEngine, definition: string) =>
  summary(engine).filter((line) => line.startsWith(`${definition} `));

describe('relationship definitions', () => {
  it('ships Kubernetes definitions that pass their own checks', () => {
    expect(KUBERNETES_RELATIONSHIPS.length).toBeGreaterThanOrEqual(15);
    const ids = KUBERNETES_RELATIONSHIPS.map((definition) => definition.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each([
    [{}, '[0].id must be a non-empty string'],
    [{ ...base(), colour: 'red' }, '[0].colour is not a known field'],
    [{ ...base(), kind: 'diagonal' }, '[0].kind must be one of hierarchical, edge, sibling'],
    [{ ...base(), from: [] }, '[0].from must hold at least 1 item'],
    [
      { ...base(), match: [{ from: ['name'], to: ['name'], strategy: 'similar' }] },
      '[0].match[0].strategy',
    ],
    [
      { ...base(), match: [{ from: ['_'], to: ['name'], strategy: 'equal' }] },
      '[0].match[0].from cannot start with `_`',
    ],
    [{ ...base(), match: [] }, '[0].match must hold at least one match'],
    [
      { ...base(), patch: { source: 'to', sourcePath: ['name'], targetPath: ['a', '_'] } },
      '[0].patch.targetPath cannot contain `_`',
    ],
  ])('rejects a bad definition, naming the file and field (%#)', (definition, message) => {
    expect(() => parseDefinitions([definition], 'mine.json')).toThrow(DefinitionError);
    expect(() => parseDefinitions([definition], 'mine.json')).toThrow(`mine.json: ${message}`);
  });

  it('rejects two definitions with one id', () => {
    expect(() => parseDefinitions([base(), base()], 'twice.json')).toThrow(
      'twice.json: [1].id repeats "test/def"',
    );
  });
});

function base() {
  return {
    id: 'test/def',
    kind: 'edge',
    type: 'non-binding',
    subType: 'reference',
    from: [{ kind: 'A' }],
    to: [{ kind: 'B' }],
    match: [{ from: ['name'], to: ['name'], strategy: 'equal' }],
  };
}

describe('relationship engine', () => {
  it('draws a network edge from a Service to the Deployment it selects, and only that one', () => {
    const { engine, actions } = engineWith(
      deployment('web', { app: 'web', tier: 'front' }),
      deployment('api', { app: 'api' }),
      service('web', { app: 'web' }),
      // Same labels, another namespace: not selected.
      { ...deployment('web-copy', { app: 'web' }), namespace: 'other' },
    );
    expect(ofDefinition(engine, 'service-selects-workload')).toEqual([
      'service-selects-workload Service/web→Deployment/web',
    ]);
    const added = actions.find((a) => a.action === 'add' && a.relationship.subType === 'network');
    expect(added).toMatchObject({
      relationship: {
        id: relationshipId('kubernetes/service-selects-workload', 'Service/web', 'Deployment/web'),
        kind: 'edge',
        type: 'non-binding',
      },
    });
  });

  it('removes the edge when the selector changes or an endpoint is deleted, and re-adds it', () => {
    const { engine } = engineWith(
      deployment('web', { app: 'web' }),
      service('web', { app: 'web' }),
    );
    const id = relationshipId(
      'kubernetes/service-selects-workload',
      'Service/web',
      'Deployment/web',
    );
    expect(
      engine.update({ upserted: [service('web', { app: 'shop' })], removed: [] }),
    ).toContainEqual(expect.objectContaining({ action: 'remove', id }));
    expect(engine.relationships.has(id)).toBe(false);
    engine.update({ upserted: [service('web', { app: 'web' })], removed: [] });
    expect(engine.relationships.has(id)).toBe(true);
    expect(engine.update({ upserted: [], removed: ['Deployment/web'] })).toContainEqual(
      expect.objectContaining({ action: 'remove', id }),
    );
  });

  it('re-evaluating an unchanged component changes nothing', () => {
    const web = deployment('web', { app: 'web' });
    const { engine } = engineWith(web, service('web', { app: 'web' }));
    expect(engine.update({ upserted: [web], removed: [] })).toEqual([]);
  });

  it('finds ConfigMaps, Secrets, claims and ServiceAccounts wherever a pod spec refers to them', () => {
    const pod = component('Pod', 'debug', {
      spec: {
        serviceAccountName: 'runner',
        containers: [
          {
            name: 'c',
            env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'x' } } }],
          },
        ],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
      },
    });
    const cron = component('CronJob', 'nightly', {
      spec: {
        jobTemplate: {
          spec: {
            template: {
              spec: {
                containers: [{ name: 'c', envFrom: [{ secretRef: { name: 'creds' } }] }],
                imagePullSecrets: [{ name: 'registry' }],
              },
            },
          },
        },
      },
    });
    const web = deployment(
      'web',
      { app: 'web' },
      { envFrom: [{ configMapRef: { name: 'settings' } }] },
    );
    const { engine } = engineWith(
      pod,
      cron,
      web,
      component('ConfigMap', 'settings'),
      component('ConfigMap', 'unused'),
      component('Secret', 'creds'),
      component('Secret', 'registry'),
      component('PersistentVolumeClaim', 'data', { spec: { storageClassName: 'fast' } }),
      component('StorageClass', 'fast', {}, { namespace: undefined }),
      component('ServiceAccount', 'runner'),
    );
    expect(summary(engine).filter((line) => !line.startsWith('shared-app-label'))).toEqual([
      'configmap-reference ConfigMap/settings→Deployment/web',
      'configmap-reference ConfigMap/settings→Pod/debug',
      'pvc-mount PersistentVolumeClaim/data→Pod/debug',
      'secret-reference Secret/creds→CronJob/nightly',
      'secret-reference Secret/registry→CronJob/nightly',
      'serviceaccount-workload ServiceAccount/runner→Pod/debug',
      'storageclass-provisions-pvc StorageClass/fast→PersistentVolumeClaim/data',
    ]);
  });

  it('grants a Role to a ServiceAccount through a RoleBinding, and forgets it when the binding goes', () => {
    const binding = component('RoleBinding', 'read', {
      roleRef: { kind: 'Role', name: 'reader', apiGroup: 'rbac.authorization.k8s.io' },
      subjects: [{ kind: 'ServiceAccount', name: 'runner' }],
    });
    const { engine } = engineWith(
      component('Role', 'reader'),
      component('ServiceAccount', 'runner'),
      component('ServiceAccount', 'other'),
      binding,
      // Refers to a ClusterRole of the same name: not this Role.
      component('RoleBinding', 'cluster-read', {
        roleRef: { kind: 'ClusterRole', name: 'reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'other' }],
      }),
    );
    expect(ofDefinition(engine, 'role-binding-permission')).toEqual([
      'role-binding-permission Role/reader→ServiceAccount/runner via RoleBinding/read',
    ]);
    // The binding and the account deleted in one change: removed once, no error.
    const actions = engine.update({
      upserted: [],
      removed: ['RoleBinding/read', 'ServiceAccount/runner'],
    });
    expect(actions.filter((a) => a.action === 'remove')).toHaveLength(1);
    expect(ofDefinition(engine, 'role-binding-permission')).toEqual([]);
    // Found again from any of the three sides.
    engine.update({ upserted: [component('ServiceAccount', 'runner')], removed: [] });
    engine.update({ upserted: [binding], removed: [] });
    expect(ofDefinition(engine, 'role-binding-permission')).toHaveLength(1);
  });

  it('matches ClusterRoleBinding subjects by name and namespace', () => {
    const { engine } = engineWith(
      component('ClusterRole', 'admin', {}, { namespace: undefined }),
      component(
        'ClusterRoleBinding',
        'admins',
        {
          roleRef: { kind: 'ClusterRole', name: 'admin' },
          subjects: [{ kind: 'ServiceAccount', name: 'ops', namespace: 'tools' }],
        },
        { namespace: undefined },
      ),
      component('ServiceAccount', 'ops', {}, { namespace: 'tools' }),
      component('ServiceAccount', 'ops', {}, { id: 'ServiceAccount/ops-shop', namespace: 'shop' }),
    );
    expect(ofDefinition(engine, 'clusterrole-binding-permission')).toEqual([
      'clusterrole-binding-permission ClusterRole/admin→ServiceAccount/ops via ClusterRoleBinding/admins',
    ]);
  });

  it('follows a RoleBinding that grants a ClusterRole within its namespace', () => {
    const { engine } = engineWith(
      component('ClusterRole', 'view', {}, { namespace: undefined }),
      component('RoleBinding', 'viewers', {
        roleRef: { kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'shop' }],
      }),
      component('ServiceAccount', 'ci'),
      component('ServiceAccount', 'ci', {}, { id: 'ServiceAccount/ci-tools', namespace: 'tools' }),
      // A Role of the same name is not what this binding refers to.
      component('Role', 'view'),
    );
    expect(ofDefinition(engine, 'clusterrole-rolebinding-permission')).toEqual([
      'clusterrole-rolebinding-permission ClusterRole/view→ServiceAccount/ci via RoleBinding/viewers',
    ]);
    expect(ofDefinition(engine, 'role-binding-permission')).toEqual([]);
  });

  it('ties an HPA to its scale target by name and kind, PDBs and NetworkPolicies to what they select', () => {
    const { engine } = engineWith(
      deployment('web', { app: 'web' }),
      component('StatefulSet', 'web', podTemplate({ app: 'db' })),
      component('HorizontalPodAutoscaler', 'web', {
        spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' } },
      }),
      component('PodDisruptionBudget', 'web', {
        spec: { selector: { matchLabels: { app: 'web' } } },
      }),
      component('Pod', 'one-off', {}, { labels: { app: 'web' } }),
      component('NetworkPolicy', 'db-only', {
        spec: { podSelector: { matchLabels: { app: 'db' } } },
      }),
    );
    expect(summary(engine).filter((line) => !line.startsWith('shared-app-label'))).toEqual([
      'hpa-scale-target HorizontalPodAutoscaler/web→Deployment/web',
      'networkpolicy-selects-workload NetworkPolicy/db-only→StatefulSet/web',
      'pdb-selects-pod PodDisruptionBudget/web→Pod/one-off',
      'pdb-selects-workload PodDisruptionBudget/web→Deployment/web',
    ]);
  });

  it('routes an Ingress to the Services named in its rules or default backend', () => {
    const ingress = component('Ingress', 'front', {
      spec: {
        defaultBackend: { service: { name: 'fallback', port: { number: 80 } } },
        rules: [
          {
            http: {
              paths: [{ path: '/', backend: { service: { name: 'web', port: { number: 80 } } } }],
            },
          },
        ],
      },
    });
    const { engine } = engineWith(
      ingress,
      service('web', { app: 'web' }),
      service('fallback', { app: 'x' }),
      service('other', {}),
    );
    expect(ofDefinition(engine, 'ingress-to-service')).toEqual([
      'ingress-to-service Ingress/front→Service/fallback',
      'ingress-to-service Ingress/front→Service/web',
    ]);
  });

  it('relates components sharing an app label once per pair, within a namespace', () => {
    const { engine } = engineWith(
      component('ConfigMap', 'a', {}, { labels: { app: 'shop' } }),
      component('Secret', 'b', {}, { labels: { app: 'shop' } }),
      component('Secret', 'c', {}, { labels: { app: 'shop' }, namespace: 'other' }),
    );
    expect(ofDefinition(engine, 'shared-app-label')).toEqual([
      'shared-app-label ConfigMap/a→Secret/b',
    ]);
    engine.update({
      upserted: [component('Secret', 'b', { data: {} }, { labels: { app: 'shop' } })],
      removed: [],
    });
    expect(ofDefinition(engine, 'shared-app-label')).toHaveLength(1);
  });

  it('makes a component drawn inside a Namespace take its name, and infers again from there', () => {
    const { engine } = engineWith(
      component('Namespace', 'shop', {}, { namespace: undefined }),
      deployment('web', { app: 'web' }),
      // In another namespace until it is placed in the Namespace component.
      service('web', { app: 'web' }, { namespace: 'elsewhere' }),
    );
    expect(ofDefinition(engine, 'service-selects-workload')).toEqual([]);
    const actions = engine.update({
      upserted: [
        service('web', { app: 'web' }, { namespace: 'elsewhere', parent: 'Namespace/shop' }),
      ],
      removed: [],
    });
    expect(actions).toContainEqual<InferenceAction>({
      action: 'patch',
      component: 'Service/web',
      path: ['namespace'],
      value: 'shop',
    });
    // The patched namespace enabled the next pass.
    expect(ofDefinition(engine, 'namespace-inventory')).toEqual([
      'namespace-inventory Service/web→Namespace/shop',
    ]);
    expect(ofDefinition(engine, 'service-selects-workload')).toEqual([
      'service-selects-workload Service/web→Deployment/web',
    ]);
  });

  it('never puts cluster-scoped kinds in a Namespace (deny rule)', () => {
    const { engine } = engineWith(
      component('Namespace', 'shop', {}, { namespace: undefined }),
      component('ClusterRole', 'admin', {}, { namespace: undefined, parent: 'Namespace/shop' }),
    );
    expect(ofDefinition(engine, 'namespace-inventory')).toEqual([]);
  });

  it('agrees with evaluation from scratch after any sequence of incremental changes, kind changes included', () => {
    const random = prng.create(42);
    const engine = new RelationshipEngine(KUBERNETES_RELATIONSHIPS);
    const live = new Map<string, Component>();
    const apps = ['web', 'api', 'db'];
    const namespaces = ['shop', 'ops'];
    for (let step = 0; step < 400; step++) {
      const pick = <T>(list: readonly T[]): T => list[prng.uint32(random, 0, list.length - 1)]!;
      const name = `${pick(apps)}-${prng.uint32(random, 0, 3)}`;
      const app = pick(apps);
      const namespace = pick(namespaces);
      const candidates: Component[] = [
        {
          ...deployment(
            name,
            { app },
            { envFrom: [{ configMapRef: { name: `${pick(apps)}-1` } }] },
          ),
          namespace,
        },
        { ...service(name, { app }), namespace },
        { ...component('ConfigMap', name, {}, { labels: { app } }), namespace },
        {
          ...component('HorizontalPodAutoscaler', name, {
            spec: { scaleTargetRef: { kind: 'Deployment', name } },
          }),
          namespace,
        },
      ];
      // Half the time under an id shared by every kind: a component that changes kind.
      const picked = pick(candidates);
      const next = prng.bool(random) ? picked : { ...picked, id: `any/${name}` };
      if (live.has(next.id) && prng.bool(random)) {
        live.delete(next.id);
        engine.update({ upserted: [], removed: [next.id] });
      } else {
        live.set(next.id, next);
        engine.update({ upserted: [next], removed: [] });
      }
    }
    const fresh = new RelationshipEngine(KUBERNETES_RELATIONSHIPS);
    fresh.update({ upserted: [...live.values()], removed: [] });
    expect(summary(engine)).toEqual(summary(fresh));
    expect(summary(fresh).length).toBeGreaterThan(10);
  });
});
