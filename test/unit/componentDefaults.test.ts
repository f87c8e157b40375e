/**
 * New components: unique names, namespaces by scope, and defaults that are valid for their
 * kind's schema, select their own pods and pass the best-practice checks that matter.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadKubernetesModel } from '../../server/models/kubernetesModel.js';
import type { ComponentDefinition } from '../../server/models/model.js';
import { ModelRegistry } from '../../server/models/modelRegistry.js';
import { SchemaFindings } from '../../server/models/schemaFindings.js';
import { openDatabases } from '../../server/store/database.js';
import { KeyedRecords } from '../../server/store/keyedRecords.js';
import { findingsFor, subjectIn } from '../../shared/checks/bestPractices.js';
import { newComponent } from '../../shared/design/componentDefaults.js';
import { toManifest } from '../../shared/design/manifests.js';
import { isJsonObject, type Component, type JsonObject } from '../../shared/design/model.js';
import { RelationshipEngine } from '../../shared/relationships/engine.js';
import { KUBERNETES_RELATIONSHIPS } from '../../shared/relationships/kubernetes.js';
import { tempDir } from '../helpers/tempDir.js';

const model = loadKubernetesModel();

const definition = (kind: string): ComponentDefinition =>
  model.components.find((candidate) => candidate.kind === kind)!;

/** A new component of a built-in kind, as the editor's palette creates it. */
const create = (kind: string, takenNames: string[] = [], namespace?: string): Component =>
  newComponent({
    id: `${kind}-id`,
    model: model.name,
    kind,
    apiVersion: definition(kind).apiVersion,
    namespaced: definition(kind).namespaced,
    namespace,
    takenNames: new Set(takenNames),
  });

/** Schema findings as the hub works them out, on a fresh LMDB environment. */
async function schemaFindings(): Promise<SchemaFindings> {
  const db = openDatabases(await tempDir());
  onTestFinished(() => db.root.close());
  return new SchemaFindings(
    new ModelRegistry(() => [model], new KeyedRecords(db.models, (entry) => entry.name)),
  );
}

const at = (object: JsonObject, ...path: string[]): JsonObject =>
  path.reduce<JsonObject>((value, step) => {
    const next = value[step];
    return isJsonObject(next) ? next : {};
  }, object);

describe('newComponent', () => {
  it('names a component after its kind, numbering it past the names already taken', () => {
    expect(create('Deployment').name).toBe('deployment');
    expect(create('Deployment', ['deployment']).name).toBe('deployment-2');
    expect(create('Deployment', ['deployment', 'deployment-2', 'deployment-4']).name).toBe(
      'deployment-3',
    );
    expect(create('PersistentVolumeClaim').name).toBe('persistent-volume-claim');
    expect(create('CSIDriver').name).toBe('csi-driver');
  });

  it('derives a valid DNS-1123 name for any kind, however long or odd', () => {
    const name = (kind: string, taken: string[] = []) =>
      newComponent({
        id: 'x',
        model: 'example',
        kind,
        apiVersion: 'example.com/v1',
        namespaced: true,
        takenNames: new Set(taken),
      }).name;
    expect(name('HTTPRoute')).toBe('http-route');
    expect(name('2FAPolicy_v2')).toBe('fa-policy-v2');
    expect(name('')).toBe('component');
    const long = 'Very'.repeat(20);
    const first = name(long);
    const second = name(long, [first]);
    for (const candidate of [first, second]) {
      expect(candidate).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
      expect(candidate.length).toBeLessThanOrEqual(63);
    }
    expect(second).not.toBe(first);
    expect(second.endsWith('-2')).toBe(true);
  });

  it('places namespaced kinds in default or the given namespace, cluster-scoped ones in none', () => {
    expect(create('Service').namespace).toBe('default');
    expect(create('Service', [], 'shop').namespace).toBe('shop');
    expect(create('ClusterRole', [], 'shop')).not.toHaveProperty('namespace');
    expect(create('Namespace')).not.toHaveProperty('namespace');
  });

  it('gives custom resources and unconfigured kinds an empty configuration', () => {
    const widget = {
      id: 'w',
      model: 'widgets',
      kind: 'Widget',
      apiVersion: 'example.com/v1',
      namespaced: true,
      takenNames: new Set<string>(),
    };
    expect(newComponent(widget)).toEqual({
      id: 'w',
      model: 'widgets',
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      name: 'widget',
      namespace: 'default',
      labels: {},
      annotations: {},
      config: {},
    });
    expect(create('Namespace').config).toEqual({});
    // Defaults follow one apiVersion's schema; another version of the kind starts empty.
    const olderAutoscaler = { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v1' };
    expect(newComponent({ ...widget, ...olderAutoscaler }).config).toEqual({});
  });

  it('gives every built-in kind that needs no cluster-specific choice a valid resource', async () => {
    // Their required fields are the cluster's to decide (a StorageClass names a provisioner, a
    // CRD is named after its group, EndpointSlices are the control plane's): a person chooses.
    const needsChoices = new Set([
      'CustomResourceDefinition',
      'CSIDriver',
      'StorageClass',
      'EndpointSlice',
    ]);
    const schemas = await schemaFindings();
    for (const { kind } of model.components.filter(({ kind }) => !needsChoices.has(kind))) {
      expect({ kind, findings: schemas.findings(create(kind)) }).toEqual({ kind, findings: [] });
    }
  });

  it('makes workloads select the pods of their own template', () => {
    for (const kind of ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']) {
      const component = create(kind);
      const spec = at(toManifest(component), 'spec');
      const selector = at(spec, 'selector', 'matchLabels');
      expect(selector).toEqual({ app: component.name });
      expect(at(spec, 'template', 'metadata', 'labels')).toMatchObject(selector);
      expect(component.labels).toEqual({ app: component.name });
    }
    for (const kind of ['Job', 'CronJob', 'Pod']) {
      const component = create(kind);
      expect(component.labels).toEqual({ app: component.name });
    }
  });

  it('connects defaults given the same name to each other', () => {
    // Renamed as a person would: the name, and every reference to it, becomes `web`.
    const named = (kind: string): Component => {
      const component = create(kind);
      const json = JSON.stringify({ ...component, id: kind });
      return JSON.parse(json, (_key, value) => (value === component.name ? 'web' : value));
    };
    const components = [
      'Deployment',
      'Service',
      'Ingress',
      'HorizontalPodAutoscaler',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'ServiceAccount',
      'Role',
      'RoleBinding',
    ].map((kind) => named(kind));
    const engine = new RelationshipEngine(KUBERNETES_RELATIONSHIPS);
    engine.update({ upserted: components, removed: [] });
    const linked = (from: string, to: string) =>
      engine
        .relationshipsOf(from)
        .some((relationship) => [relationship.from, relationship.to].includes(to));
    expect(linked('Service', 'Deployment')).toBe(true);
    expect(linked('Ingress', 'Service')).toBe(true);
    expect(linked('HorizontalPodAutoscaler', 'Deployment')).toBe(true);
    expect(linked('NetworkPolicy', 'Deployment')).toBe(true);
    expect(linked('PodDisruptionBudget', 'Deployment')).toBe(true);
    expect(linked('RoleBinding', 'Role')).toBe(true);
    expect(linked('RoleBinding', 'ServiceAccount')).toBe(true);
  });

  it('gives workloads defaults with no best-practice errors or warnings', () => {
    const workloads = ['Deployment', 'StatefulSet', 'DaemonSet', 'Pod', 'Job', 'CronJob'].map(
      (kind) => create(kind),
    );
    const engine = new RelationshipEngine(KUBERNETES_RELATIONSHIPS);
    engine.update({ upserted: workloads, removed: [] });
    for (const workload of workloads) {
      const findings = findingsFor(subjectIn(engine, workload));
      expect(findings.filter((finding) => finding.severity === 'error')).toEqual([]);
      // nginx runs as root: that is advice the person can act on, not a default that breaks.
      expect(
        findings
          .filter((finding) => finding.severity === 'warning')
          .map((finding) => finding.check),
      ).toEqual(['Job', 'CronJob'].includes(workload.kind) ? [] : ['run-as-non-root']);
    }
  });
});
