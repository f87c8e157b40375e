/**
 * Server-side apply and managedFields tracking, checked against what kube-apiserver records and
 * answers for the same sequence of writes.
 */
import { describe, expect, it } from 'vitest';
import {
  fieldSetOf,
  formatPath,
  fromFieldsV1,
  pathsOf,
  toFieldsV1,
} from '../../server/sandbox/fieldSets.js';
import type { KubeObject } from '../../server/sandbox/kubeObject.js';
import { defaultManager, type ManagedFieldsEntry } from '../../server/sandbox/managedFields.js';
import {
  applyConfiguration,
  applyConflictStatus,
  recordUpdate,
  type ApplyRequest,
} from '../../server/sandbox/serverSideApply.js';

const T0 = new Date('2024-05-01T10:00:00Z');
const T1 = new Date('2024-05-01T11:00:00Z');
const T2 = new Date('2024-05-01T12:00:00Z');

interface DeploymentOptions {
  replicas?: number;
  labels?: Record<string, string>;
  containers?: Record<string, unknown>[];
}

const deployment = (options: DeploymentOptions = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: options.labels ?? { app: 'web' } },
  spec: {
    ...(options.replicas !== undefined ? { replicas: options.replicas } : {}),
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: options.containers ?? [{ name: 'web', image: 'web:1' }] },
    },
  },
});

/** Applies and fails the test on conflicts. */
function apply(request: Partial<ApplyRequest> & Pick<ApplyRequest, 'applied'>): KubeObject {
  const result = applyConfiguration({
    live: undefined,
    manager: 'kubectl',
    force: false,
    apiVersion: 'apps/v1',
    now: T0,
    ...request,
  });
  if (result.object === undefined) throw new Error(JSON.stringify(result.conflicts));
  return result.object;
}

const entriesOf = (object: KubeObject): ManagedFieldsEntry[] =>
  (object.metadata.managedFields ?? []) as ManagedFieldsEntry[];

const entryOf = (object: KubeObject, manager: string, operation = 'Apply') =>
  entriesOf(object).find((e) => e.manager === manager && e.operation === operation);

/** The paths a manager owns, as Kubernetes prints them. */
function ownedBy(object: KubeObject, manager: string, operation = 'Apply'): string[] {
  const entry = entryOf(object, manager, operation);
  if (!entry) return [];
  return pathsOf(fromFieldsV1(entry.fieldsV1)!).map(formatPath);
}

const containersOf = (object: KubeObject) =>
  (object as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } })
    .spec.template.spec.containers;

/** `object` after a non-apply write by `manager`, with its managedFields recorded. */
function updated(
  before: KubeObject,
  change: (draft: KubeObject) => void,
  manager: string,
  now = T1,
) {
  const after = structuredClone(before);
  change(after);
  const managedFields = recordUpdate({ before, after, manager, apiVersion: 'apps/v1', now });
  return { ...after, metadata: { ...after.metadata, managedFields } };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('server-side apply', () => {
  it('the first apply creates the object and records what it set as the Apply entry', () => {
    const object = apply({
      applied: deployment({
        replicas: 2,
        containers: [{ name: 'web', image: 'web:1', ports: [{ containerPort: 8080 }] }],
      }),
    });
    expect(containersOf(object)).toEqual([
      { name: 'web', image: 'web:1', ports: [{ containerPort: 8080 }] },
    ]);
    expect(entriesOf(object)).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: '2024-05-01T10:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"web"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': {
                      'k:{"containerPort":8080,"protocol":"TCP"}': {
                        '.': {},
                        'f:containerPort': {},
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ]);
  });

  it('never records the server-owned metadata or the object identity as owned', () => {
    const applied = deployment();
    applied.metadata.uid = 'u-1';
    applied.metadata.resourceVersion = '7';
    const object = apply({ applied });
    expect(object.metadata.uid).toBeUndefined();
    expect(object.metadata.resourceVersion).toBeUndefined();
    expect(ownedBy(object, 'kubectl')).not.toContain('.metadata.name');
    expect(ownedBy(object, 'kubectl')).not.toContain('.apiVersion');
  });

  it('re-applying without a field removes it from the object and from the manager', () => {
    const live = apply({ applied: deployment({ replicas: 2, labels: { app: 'web', tier: 'a' } }) });
    const object = apply({ live, applied: deployment({ replicas: 2 }), now: T1 });
    expect(object.metadata.labels).toEqual({ app: 'web' });
    expect(ownedBy(object, 'kubectl')).not.toContain('.metadata.labels.tier');
    expect(entryOf(object, 'kubectl')?.time).toBe('2024-05-01T11:00:00Z');
  });

  it('re-applying without a field another manager also owns leaves the field in place', () => {
    let live = apply({ applied: deployment({ labels: { app: 'web', tier: 'a' } }) });
    live = apply({
      live,
      manager: 'team-b',
      applied: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', labels: { tier: 'a' } },
      },
    });
    const object = apply({ live, applied: deployment() });
    expect(object.metadata.labels).toEqual({ app: 'web', tier: 'a' });
    expect(ownedBy(object, 'kubectl')).not.toContain('.metadata.labels.tier');
    expect(ownedBy(object, 'team-b')).toEqual(['.metadata.labels.tier']);
  });

  it('a field an Update manager changed is a conflict, worded as kube-apiserver words it', () => {
    const created = apply({ applied: deployment({ replicas: 2 }) });
    const live = updated(
      created,
      (d) => ((d.spec as { replicas: number }).replicas = 3),
      'kubectl-client-side-apply',
    );
    const result = applyConfiguration({
      live,
      applied: deployment({ replicas: 5 }),
      manager: 'kubectl',
      force: false,
      apiVersion: 'apps/v1',
    });
    expect(result.object).toBeUndefined();
    expect(result.conflicts).toEqual([
      {
        manager: 'kubectl-client-side-apply',
        operation: 'Update',
        apiVersion: 'apps/v1',
        field: '.spec.replicas',
      },
    ]);
    expect(applyConflictStatus(result.conflicts)).toEqual({
      message:
        'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
      causes: [
        {
          reason: 'FieldManagerConflict',
          message: 'conflict with "kubectl-client-side-apply" using apps/v1',
          field: '.spec.replicas',
        },
      ],
    });
  });

  it('several conflicts are listed per manager, appliers named without a version', () => {
    const live = apply({ applied: deployment({ replicas: 2 }), manager: 'ci' });
    const result = applyConfiguration({
      live,
      applied: deployment({ replicas: 4, containers: [{ name: 'web', image: 'web:2' }] }),
      manager: 'kubectl',
      force: false,
      apiVersion: 'apps/v1',
    });
    expect(applyConflictStatus(result.conflicts).message).toBe(
      'Apply failed with 2 conflicts: conflicts with "ci":\n' +
        '- .spec.replicas\n' +
        '- .spec.template.spec.containers[name="web"].image',
    );
  });

  it('force moves the conflicting field to the applier and drops emptied entries', () => {
    const created = apply({ applied: deployment({ replicas: 2 }), manager: 'ci' });
    const live = updated(created, (d) => ((d.spec as { replicas: number }).replicas = 3), 'hpa');
    const object = apply({ live, applied: deployment({ replicas: 5 }), force: true, now: T2 });
    expect((object.spec as { replicas: number }).replicas).toBe(5);
    expect(ownedBy(object, 'kubectl')).toContain('.spec.replicas');
    expect(entryOf(object, 'hpa', 'Update')).toBeUndefined();
    expect(ownedBy(object, 'ci')).not.toContain('.spec.replicas');
  });

  it('applying the value another manager set is no conflict and makes both owners', () => {
    const live = apply({ applied: deployment({ replicas: 3 }), manager: 'ci' });
    const object = apply({ live, applied: deployment({ replicas: 3 }) });
    expect(ownedBy(object, 'kubectl')).toContain('.spec.replicas');
    expect(ownedBy(object, 'ci')).toContain('.spec.replicas');
  });

  it('containers merge by name: a container another applier added survives a re-apply', () => {
    let live = apply({ applied: deployment() });
    live = apply({
      live,
      manager: 'mesh',
      applied: deployment({ containers: [{ name: 'sidecar', image: 'proxy:1' }] }),
    });
    expect(containersOf(live).map((c) => c.name)).toEqual(['web', 'sidecar']);
    const object = apply({
      live,
      applied: deployment({ containers: [{ name: 'web', image: 'web:2' }] }),
    });
    expect(containersOf(object)).toEqual([
      { name: 'web', image: 'web:2' },
      { name: 'sidecar', image: 'proxy:1' },
    ]);
    expect(ownedBy(object, 'mesh')).toContain('.spec.template.spec.containers[name="sidecar"]');
  });

  it('a container its applier no longer lists, and nobody else owns, is removed', () => {
    const live = apply({
      applied: deployment({
        containers: [
          { name: 'web', image: 'web:1' },
          { name: 'debug', image: 'busybox' },
        ],
      }),
    });
    const object = apply({ live, applied: deployment() });
    expect(containersOf(object).map((c) => c.name)).toEqual(['web']);
  });

  it('an atomic list is replaced whole and owned as one field', () => {
    const live = apply({
      applied: deployment({ containers: [{ name: 'web', image: 'web:1', args: ['--a', '--b'] }] }),
    });
    const object = apply({
      live,
      applied: deployment({ containers: [{ name: 'web', image: 'web:1', args: ['--c'] }] }),
    });
    expect(containersOf(object)[0]!.args).toEqual(['--c']);
    expect(entryOf(object, 'kubectl')?.fieldsV1).toMatchObject({
      'f:spec': {
        'f:template': {
          'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:args': {} } } },
        },
      },
    });
    const result = applyConfiguration({
      live: object,
      applied: deployment({ containers: [{ name: 'web', args: ['--d'] }] }),
      manager: 'other',
      force: false,
      apiVersion: 'apps/v1',
    });
    expect(result.conflicts.map((c) => c.field)).toEqual([
      '.spec.template.spec.containers[name="web"].args',
    ]);
  });

  it('Service ports are keyed by port and protocol, TCP when left out', () => {
    const service = (ports: unknown[]): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'dns' },
      spec: { ports },
    });
    const live = apply({
      applied: service([{ port: 53, protocol: 'UDP', name: 'dns' }]),
      apiVersion: 'v1',
    });
    const object = apply({
      live,
      manager: 'other',
      applied: service([{ port: 53, name: 'dns-tcp' }]),
      apiVersion: 'v1',
    });
    expect((object.spec as { ports: unknown[] }).ports).toEqual([
      { port: 53, protocol: 'UDP', name: 'dns' },
      { port: 53, name: 'dns-tcp' },
    ]);
    expect(ownedBy(object, 'other')).toContain('.spec.ports[port=53,protocol="TCP"]');
  });

  it('lists of a custom resource are atomic', () => {
    const widget = (items: unknown[]): KubeObject => ({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { containers: items },
    });
    const live = apply({ applied: widget([{ name: 'a' }]), apiVersion: 'example.com/v1' });
    const object = apply({
      live,
      manager: 'other',
      force: true,
      applied: widget([{ name: 'b' }]),
      apiVersion: 'example.com/v1',
    });
    expect((object.spec as { containers: unknown[] }).containers).toEqual([{ name: 'b' }]);
    expect(ownedBy(object, 'other')).toEqual(['.spec.containers']);
    expect(entryOf(object, 'kubectl')).toBeUndefined();
  });

  it('a null in the configuration removes the field, and the applier owns it', () => {
    const live = apply({ applied: deployment({ labels: { app: 'web', tier: 'a' } }) });
    const applied = deployment();
    applied.metadata.labels = { app: 'web', tier: null } as unknown as Record<string, string>;
    const object = apply({ live, applied });
    expect(object.metadata.labels).toEqual({ app: 'web' });
    expect(ownedBy(object, 'kubectl')).toContain('.metadata.labels.tier');
  });

  it('an object stored without managedFields is owned by before-first-apply', () => {
    const live = { ...deployment({ replicas: 1 }), metadata: { name: 'web', uid: 'u-1' } };
    const result = applyConfiguration({
      live,
      applied: deployment({ replicas: 2 }),
      manager: 'kubectl',
      force: false,
      apiVersion: 'apps/v1',
    });
    expect(result.conflicts).toEqual([
      {
        manager: 'before-first-apply',
        operation: 'Update',
        apiVersion: 'apps/v1',
        field: '.spec.replicas',
      },
    ]);
  });

  it('never changes the objects it is given', () => {
    const first = apply({ applied: deployment({ replicas: 2, labels: { app: 'web', t: 'a' } }) });
    const live = deepFreeze(updated(first, (d) => (d.metadata.labels = { app: 'x' }), 'edit'));
    const applied = deepFreeze(deployment({ replicas: 4, containers: [{ name: 'side' }] }));
    const [liveCopy, appliedCopy] = [structuredClone(live), structuredClone(applied)];
    apply({ live, applied, force: true });
    applyConfiguration({ live, applied, manager: 'x', force: false, apiVersion: 'apps/v1' });
    recordUpdate({ before: live, after: applied, manager: 'y', apiVersion: 'apps/v1' });
    expect(live).toEqual(liveCopy);
    expect(applied).toEqual(appliedCopy);
  });
});

describe('managedFields of other writes', () => {
  it('a create records every field it sets, new maps and lists as members themselves', () => {
    const object = deployment({ replicas: 1 });
    const [entry, ...rest] = recordUpdate({
      before: undefined,
      after: object,
      manager: 'kubectl-create',
      apiVersion: 'apps/v1',
      now: T0,
    });
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: '2024-05-01T10:00:00Z',
      fieldsType: 'FieldsV1',
    });
    expect(entry!.fieldsV1['f:metadata']).toEqual({ 'f:labels': { '.': {}, 'f:app': {} } });
    expect(entry!.fieldsV1['f:spec']!['f:replicas']).toEqual({});
  });

  it('an update takes the fields it changes from other managers, appliers included', () => {
    const created = apply({ applied: deployment({ replicas: 2 }) });
    const scaled = updated(
      created,
      (d) => ((d.spec as { replicas: number }).replicas = 6),
      'kubectl-edit',
    );
    expect(ownedBy(scaled, 'kubectl')).not.toContain('.spec.replicas');
    expect(ownedBy(scaled, 'kubectl-edit', 'Update')).toEqual(['.spec.replicas']);
    expect(entryOf(scaled, 'kubectl')?.time).toBe('2024-05-01T10:00:00Z');
    expect(entriesOf(scaled).map((e) => e.operation)).toEqual(['Apply', 'Update']);
  });

  it('removing a field takes it from every manager', () => {
    const created = apply({ applied: deployment({ labels: { app: 'web', tier: 'a' } }) });
    const edited = updated(created, (d) => delete d.metadata.labels!.tier, 'kubectl-edit');
    expect(ownedBy(edited, 'kubectl')).not.toContain('.metadata.labels.tier');
    expect(entryOf(edited, 'kubectl-edit', 'Update')).toBeUndefined();
  });

  it('a write that changes nothing leaves managedFields as they were', () => {
    const created = apply({ applied: deployment() });
    const same = updated(created, () => {}, 'kubectl-edit');
    expect(same.metadata.managedFields).toEqual(created.metadata.managedFields);
  });

  it('status writes are recorded in an entry of their own', () => {
    const created = apply({ applied: deployment() });
    const after = { ...structuredClone(created), status: { replicas: 1 } };
    const entries = recordUpdate({
      before: created,
      after,
      manager: 'controller',
      apiVersion: 'apps/v1',
      subresource: 'status',
      now: T1,
    });
    expect(entries.at(-1)).toEqual({
      manager: 'controller',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: '2024-05-01T11:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { 'f:replicas': {} } },
      subresource: 'status',
    });
  });

  it('an empty managedFields list sent by the client starts the record over', () => {
    const created = apply({ applied: deployment() });
    const after = { ...created, metadata: { ...created.metadata, managedFields: [] } };
    expect(recordUpdate({ before: created, after, manager: 'x', apiVersion: 'apps/v1' })).toEqual(
      [],
    );
  });
});

describe('FieldsV1', () => {
  const wire = {
    'f:metadata': { 'f:finalizers': { '.': {}, 'v:"example.com/a"': {} } },
    'f:spec': {
      'f:containers': {
        'k:{"name":"web"}': {
          '.': {},
          'f:image': {},
          'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': {} },
        },
      },
    },
  };

  it('round-trips with k: and v: elements and prints paths as Kubernetes does', () => {
    const set = fromFieldsV1(wire)!;
    expect(toFieldsV1(set)).toEqual(wire);
    expect(JSON.stringify(toFieldsV1(set))).toBe(JSON.stringify(wire));
    expect(pathsOf(set).map(formatPath)).toEqual([
      '.metadata.finalizers',
      '.metadata.finalizers[="example.com/a"]',
      '.spec.containers[name="web"]',
      '.spec.containers[name="web"].image',
      '.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]',
    ]);
  });

  it('reads key fields in any order as the same item', () => {
    const a = fromFieldsV1({ 'k:{"protocol":"TCP","containerPort":80}': {} })!;
    expect(toFieldsV1(a)).toEqual({ 'k:{"containerPort":80,"protocol":"TCP"}': {} });
    expect(toFieldsV1(fieldSetOf([['k:{"containerPort":80,"protocol":"TCP"}']]))).toEqual(
      toFieldsV1(a),
    );
  });

  it('refuses what is not a field set', () => {
    expect(fromFieldsV1({ spec: {} })).toBeUndefined();
    expect(fromFieldsV1({ 'k:{not json': {} })).toBeUndefined();
    expect(fromFieldsV1([])).toBeUndefined();
  });
});

describe('defaultManager', () => {
  it('is the User-Agent up to its first slash', () => {
    expect(defaultManager('kubectl/v1.31.0 (linux/amd64) kubernetes/abc')).toBe('kubectl');
    expect(defaultManager('node-fetch')).toBe('node-fetch');
    expect(defaultManager(undefined)).toBe('');
    expect(defaultManager(`${'m'.repeat(200)}/1`)).toHaveLength(128);
  });
});
