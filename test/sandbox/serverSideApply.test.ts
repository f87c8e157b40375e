/**
 * Server-side apply through client-node and raw `application/apply-patch+yaml` requests: applies
 * create and merge, each manager's fields are recorded in `managedFields`, fields a manager stops
 * applying go, changing another manager's field is a 409 unless forced, and the request errors
 * and dry-run behave as kube-apiserver's.
 */
import {
  AppsV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
  type V1ConfigMap,
  type V1ManagedFieldsEntry,
  Watch,
} from '@kubernetes/client-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { deploymentManifest } from '../helpers/kubeManifests.js';
import { failedStatus } from '../helpers/kubeStatus.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

type Json = Record<string, any>;

const APPLY_PATCH = 'application/apply-patch+yaml';
const WEB = '/apis/apps/v1/namespaces/default/deployments/web';

/** The configuration a CI pipeline applies, as YAML. */
const webYaml = (replicas: number) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;

/** A raw server-side apply of `yaml` to `path`; `query` holds `fieldManager`, `force`, `dryRun`. */
async function applyYaml(
  sandbox: TestSandbox,
  path: string,
  yaml: string,
  query: Record<string, string>,
): Promise<{ status: number; body: Json }> {
  const search = new URLSearchParams(query).toString();
  const response = await sandbox.request(`${path}${search ? `?${search}` : ''}`, {
    method: 'PATCH',
    headers: { 'content-type': APPLY_PATCH, accept: 'application/json' },
    body: yaml,
  });
  return { status: response.status, body: (await response.json()) as Json };
}

async function setUp() {
  const sandbox = await startTestSandbox();
  const objects = KubernetesObjectApi.makeApiClient(sandbox.kc);
  /** Server-side apply through client-node, as `manager`. */
  const apply = <T extends KubernetesObject>(object: T, manager: string, force?: boolean) =>
    objects.patch(object, undefined, undefined, manager, force, PatchStrategy.ServerSideApply);
  return { sandbox, objects, apply, apps: sandbox.kc.makeApiClient(AppsV1Api) };
}

/** The entry of `manager` doing `operation`. */
const entryOf = (
  entries: V1ManagedFieldsEntry[] | undefined,
  manager: string,
  operation = 'Apply',
): Json | undefined =>
  entries?.find((entry) => entry.manager === manager && entry.operation === operation)?.fieldsV1;

/** Only `spec.replicas`, as a manager that cares about nothing else applies it. */
const replicasOnly = (replicas: number): KubernetesObject & { spec: { replicas: number } } => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: { replicas },
});

describe('sandbox server-side apply', () => {
  it('creates with 201 and records the manager’s Apply entry with the fields it applied', async () => {
    const { sandbox } = await setUp();
    const created = await applyYaml(sandbox, WEB, webYaml(2), { fieldManager: 'ci' });
    expect(created.status).toBe(201);
    expect(created.body.spec.replicas).toBe(2);
    // Defaults are the server's, not the applier's: the entry holds what the YAML named.
    expect(created.body.spec.strategy.type).toBe('RollingUpdate');
    expect(created.body.metadata.managedFields).toEqual([
      {
        manager: 'ci',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
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
                  'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} },
                },
              },
            },
          },
        },
      },
    ]);
    const again = await applyYaml(sandbox, WEB, webYaml(2), { fieldManager: 'ci' });
    expect(again.status).toBe(200);
    expect(again.body.metadata.uid).toBe(created.body.metadata.uid);
    // The controllers may have added entries of their own by now; the applier's is as it was.
    const ciEntry = (body: Json) =>
      (body.metadata.managedFields as Json[]).find((entry) => entry.manager === 'ci');
    expect(ciEntry(again.body)).toEqual(ciEntry(created.body));
  });

  it('writes nothing for an apply that changes nothing: same resourceVersion, no watch event', async () => {
    const { sandbox, apply } = await setUp();
    const settings: V1ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'same', namespace: 'default' },
      data: { a: 'b' },
    };
    const first = await apply(structuredClone(settings), 'weft');
    const events: string[] = [];
    const watch = await new Watch(sandbox.kc).watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: first.metadata!.resourceVersion },
      (type) => events.push(type),
      () => undefined,
    );
    onTestFinished(() => watch.abort());
    const again = await apply(structuredClone(settings), 'weft');
    expect(again.metadata!.resourceVersion).toBe(first.metadata!.resourceVersion);
    const changed = await apply({ ...structuredClone(settings), data: { a: 'c' } }, 'weft');
    expect(changed.metadata!.resourceVersion).not.toBe(first.metadata!.resourceVersion);
    await expect.poll(() => events).toEqual(['MODIFIED']);
  });

  it('removes a field its manager applied before and no longer applies, but not another’s', async () => {
    const { apply, objects, sandbox } = await setUp();
    const settings = (data: Record<string, string>): V1ConfigMap => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'default' },
      data,
    });
    await apply(settings({ greeting: 'hello', farewell: 'bye' }), 'ci');
    // Another manager's field, which the next apply does not name either.
    await objects.patch(
      settings({ owner: 'ops' }),
      undefined,
      undefined,
      'editor',
      undefined,
      PatchStrategy.MergePatch,
    );
    const applied = await apply(settings({ greeting: 'hello' }), 'ci');
    expect(applied.data).toEqual({ greeting: 'hello', owner: 'ops' });
    expect(entryOf(applied.metadata?.managedFields, 'ci')).toEqual({
      'f:data': { 'f:greeting': {} },
    });
    const stored = await sandbox.kc
      .makeApiClient(CoreV1Api)
      .readNamespacedConfigMap({ name: 'settings', namespace: 'default' });
    expect(stored.data).toEqual({ greeting: 'hello', owner: 'ops' });
  });

  it('refuses with 409 Conflict to change a field another manager applied, unless forced', async () => {
    const { apply, apps } = await setUp();
    await apply(deploymentManifest('web', { replicas: 2 }), 'ci');

    const conflict = await failedStatus(apply(replicasOnly(3), 'autoscaler'));
    expect(conflict).toEqual({
      code: 409,
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "ci": .spec.replicas',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "ci"',
            field: '.spec.replicas',
          },
        ],
      },
    });
    const read = () => apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
    expect((await read()).spec?.replicas).toBe(2);

    // Applying the value already there is no conflict: both managers own it then.
    const shared = await apply(replicasOnly(2), 'autoscaler');
    expect(entryOf(shared.metadata?.managedFields, 'autoscaler')).toEqual({
      'f:spec': { 'f:replicas': {} },
    });
    expect(entryOf(shared.metadata?.managedFields, 'ci')?.['f:spec']).toHaveProperty('f:replicas');

    const forced = await apply(replicasOnly(3), 'autoscaler', true);
    expect(forced.spec?.replicas).toBe(3);
    expect(entryOf(forced.metadata?.managedFields, 'autoscaler')).toEqual({
      'f:spec': { 'f:replicas': {} },
    });
    const ci = entryOf(forced.metadata?.managedFields, 'ci');
    expect(ci?.['f:spec']).not.toHaveProperty('f:replicas');
    expect(ci?.['f:spec']).toHaveProperty('f:template');
    expect((await read()).spec?.replicas).toBe(3);
  });

  it('answers an apply without a fieldManager with 422 Invalid and creates nothing', async () => {
    const { sandbox } = await setUp();
    const { status, body } = await applyYaml(sandbox, WEB, webYaml(2), {});
    expect(status).toBe(422);
    expect(body).toMatchObject({
      reason: 'Invalid',
      message:
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      details: {
        group: 'meta.k8s.io',
        kind: 'PatchOptions',
        causes: [
          {
            reason: 'FieldValueRequired',
            message: 'Required value: is required for apply patch',
            field: 'fieldManager',
          },
        ],
      },
    });
    expect((await sandbox.request(WEB)).status).toBe(404);
  });

  it('records a merge patch with fieldManager as an Update entry owning the field it changed', async () => {
    const { apply, objects } = await setUp();
    await apply(deploymentManifest('web', { replicas: 2 }), 'ci');
    const patched = await objects.patch(
      replicasOnly(5),
      undefined,
      undefined,
      'editor',
      undefined,
      PatchStrategy.MergePatch,
    );
    const editor = patched.metadata?.managedFields?.find((entry) => entry.manager === 'editor');
    expect(editor).toMatchObject({
      operation: 'Update',
      apiVersion: 'apps/v1',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
    expect(entryOf(patched.metadata?.managedFields, 'ci')?.['f:spec']).not.toHaveProperty(
      'f:replicas',
    );
    // The updater owns the replicas now, so the applier's old value is a conflict with it.
    expect((await failedStatus(apply(replicasOnly(2), 'ci'))).message).toBe(
      'Apply failed with 1 conflict: conflict with "editor" using apps/v1: .spec.replicas',
    );
  });

  it('stores nothing on a dry-run apply, whether it would create or change', async () => {
    const { sandbox, apps } = await setUp();
    const dryCreate = await applyYaml(sandbox, WEB, webYaml(2), {
      fieldManager: 'ci',
      dryRun: 'All',
    });
    expect(dryCreate.status).toBe(201);
    expect(dryCreate.body.metadata.managedFields).toHaveLength(1);
    expect((await sandbox.request(WEB)).status).toBe(404);

    const created = await applyYaml(sandbox, WEB, webYaml(2), { fieldManager: 'ci' });
    const dryChange = await applyYaml(sandbox, WEB, webYaml(4), {
      fieldManager: 'ci',
      dryRun: 'All',
    });
    expect(dryChange.status).toBe(200);
    expect(dryChange.body.spec.replicas).toBe(4);
    const stored = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
    expect(stored.spec?.replicas).toBe(2);
    expect(stored.metadata?.generation).toBe(created.body.metadata.generation);
  });

  it('answers an apply into a namespace that does not exist with 404', async () => {
    const { apply } = await setUp();
    expect(
      await failedStatus(apply(deploymentManifest('web', { namespace: 'nowhere' }), 'ci')),
    ).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'namespaces "nowhere" not found',
    });
  });
});
