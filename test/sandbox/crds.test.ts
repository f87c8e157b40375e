/**
 * CustomResourceDefinitions in the sandbox, through client-node, raw requests and kubectl: a CRD
 * is validated, established and discovered; its custom resources are stored, watched, patched,
 * pruned, defaulted and validated against its schema; its status and scale subresources work;
 * deleting it takes its custom resources with it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type KubernetesObject,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { hasKubectl, kubectl } from '../helpers/kubectl.js';
import { failedStatus } from '../helpers/kubeStatus.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { tempDir } from '../helpers/tempDir.js';
import { waitFor } from '../helpers/wait.js';

type Json = Record<string, any>;

const GROUP = 'example.com';
const PLURAL = 'widgets';
const CRD_NAME = `${PLURAL}.${GROUP}`;
const WIDGETS = `/apis/${GROUP}/v1/namespaces/default/${PLURAL}`;

const widgetSchema = () => ({
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'string', enum: ['small', 'large'], description: 'How big the widget is.' },
        replicas: { type: 'integer', minimum: 0, maximum: 10, default: 1 },
        colour: { type: 'string', pattern: '^[a-z]+$', default: 'blue' },
        port: { 'x-kubernetes-int-or-string': true },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        parts: {
          type: 'array',
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
        },
      },
    },
    status: {
      type: 'object',
      properties: {
        phase: { type: 'string' },
        replicas: { type: 'integer' },
        selector: { type: 'string' },
      },
    },
  },
});

/**
 * `widgets.example.com`: served as v1 (stored) and v1beta1, listed in that order on purpose.
 * Plain JSON, sent raw: client-node's model would drop the `x-kubernetes-*` keywords.
 */
const widgetCrd = (): Json => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: CRD_NAME },
  spec: {
    group: GROUP,
    names: { plural: PLURAL, kind: 'Widget', shortNames: ['wd'] },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1beta1',
        served: true,
        storage: false,
        schema: { openAPIV3Schema: widgetSchema() },
      },
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: widgetSchema() },
        additionalPrinterColumns: [
          { name: 'Size', type: 'string', jsonPath: '.spec.size' },
          { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', priority: 1 },
        ],
        subresources: {
          status: {},
          scale: {
            specReplicasPath: '.spec.replicas',
            statusReplicasPath: '.status.replicas',
            labelSelectorPath: '.status.selector',
          },
        },
      },
    ],
  },
});

const widget = (name: string, spec: Json = { size: 'small' }, namespace = 'default'): Json => ({
  apiVersion: `${GROUP}/v1`,
  kind: 'Widget',
  metadata: { name, namespace },
  spec,
});

const conditionOf = (crd: V1CustomResourceDefinition, type: string) =>
  crd.status?.conditions?.find((condition) => condition.type === type);

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/** POSTs a CRD as JSON; resolves to the response's status and body. */
async function postCrd(sandbox: TestSandbox, crd: Json): Promise<{ status: number; body: Json }> {
  const response = await sandbox.request(CRDS, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(crd),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

/** A sandbox with the Widget CRD created and established. */
async function withWidgets(sandbox?: TestSandbox) {
  const started = sandbox ?? (await startTestSandbox());
  const extensions = started.kc.makeApiClient(ApiextensionsV1Api);
  expect((await postCrd(started, widgetCrd())).status).toBe(201);
  const crd = await waitFor(
    async () => {
      const read = await extensions.readCustomResourceDefinition({ name: CRD_NAME });
      return conditionOf(read, 'Established')?.status === 'True' && read;
    },
    { what: 'the CRD to be established' },
  );
  const objects = started.kc.makeApiClient(CustomObjectsApi);
  return { sandbox: started, extensions, objects, crd };
}

const at = (name: string, namespace = 'default') => ({
  group: GROUP,
  version: 'v1',
  namespace,
  plural: PLURAL,
  name,
});

async function json(sandbox: TestSandbox, path: string): Promise<{ status: number; body: Json }> {
  const response = await sandbox.request(path);
  return { status: response.status, body: (await response.json()) as Json };
}

describe('sandbox CustomResourceDefinitions', () => {
  it('establishes a CRD and lists its kind in discovery, preferred version first', async () => {
    const { sandbox, crd } = await withWidgets();
    expect(crd.spec.names).toMatchObject({ singular: 'widget', listKind: 'WidgetList' });
    expect(conditionOf(crd, 'NamesAccepted')).toMatchObject({
      status: 'True',
      reason: 'NoConflicts',
    });
    expect(crd.status?.acceptedNames).toMatchObject({ plural: PLURAL, kind: 'Widget' });
    expect(crd.status?.storedVersions).toEqual(['v1']);

    const groups = (await json(sandbox, '/apis')).body.groups as Json[];
    const group = groups.find(({ name }) => name === GROUP);
    expect(group?.versions.map(({ version }: Json) => version)).toEqual(['v1', 'v1beta1']);
    expect(group?.preferredVersion.version).toBe('v1');
    expect((await json(sandbox, `/apis/${GROUP}`)).body.preferredVersion.groupVersion).toBe(
      `${GROUP}/v1`,
    );
    const resources = (await json(sandbox, `/apis/${GROUP}/v1`)).body.resources as Json[];
    expect(resources.map(({ name }) => name)).toEqual([
      'widgets',
      'widgets/status',
      'widgets/scale',
    ]);
    expect(resources[0]).toMatchObject({ kind: 'Widget', namespaced: true, shortNames: ['wd'] });
    const beta = (await json(sandbox, `/apis/${GROUP}/v1beta1`)).body.resources as Json[];
    expect(beta.map(({ name }) => name)).toEqual(['widgets']);
  });

  it('creates, reads, lists, watches, patches and deletes custom resources', async () => {
    const { sandbox, objects } = await withWidgets();
    const seen: string[] = [];
    const request = await new Watch(sandbox.kc).watch(
      WIDGETS,
      {},
      (type, object: KubernetesObject) => seen.push(`${type} ${object.metadata?.name}`),
      () => {},
    );
    const created = await objects.createNamespacedCustomObject({
      ...at('a'),
      body: widget('a'),
    });
    expect(created.metadata.uid).toBeTruthy();
    expect(created.metadata.generation).toBe(1);
    expect((await objects.getNamespacedCustomObject(at('a'))).spec.size).toBe('small');

    // KubernetesObjectApi finds the plural and scope of the kind through discovery.
    const generic = KubernetesObjectApi.makeApiClient(sandbox.kc);
    await generic.create(widget('b', { size: 'large' }));
    const listed = await objects.listNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: 'default',
      plural: PLURAL,
    });
    expect(listed.kind).toBe('WidgetList');
    expect(listed.items.map((item: Json) => item.metadata.name)).toEqual(['a', 'b']);

    const merged = await objects.patchNamespacedCustomObject(
      { ...at('a'), body: { spec: { replicas: 3 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.spec).toMatchObject({ size: 'small', replicas: 3 });
    expect(merged.metadata.generation).toBe(2);
    const patched = await objects.patchNamespacedCustomObject(
      { ...at('a'), body: [{ op: 'replace', path: '/spec/size', value: 'large' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    expect(patched.spec.size).toBe('large');

    // Custom resources have no merge keys: no strategic merge patch, as in Kubernetes.
    const strategic = await sandbox.request(`${WIDGETS}/a`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/strategic-merge-patch+json' },
      body: JSON.stringify({ spec: { replicas: 4 } }),
    });
    expect(strategic.status).toBe(415);
    expect(((await strategic.json()) as Json).reason).toBe('UnsupportedMediaType');

    await objects.deleteNamespacedCustomObject(at('a'));
    expect((await failedStatus(objects.getNamespacedCustomObject(at('a')))).code).toBe(404);
    await waitFor(() => seen.includes('DELETED a'), { what: 'the watch to see the deletion' });
    request.abort();
    expect(seen).toEqual(['ADDED a', 'ADDED b', 'MODIFIED a', 'MODIFIED a', 'DELETED a']);
  });

  it('answers 422 naming the field for custom resources that do not match the schema', async () => {
    const { objects } = await withWidgets();
    const refused = async (name: string, spec: Json) => {
      const status = await failedStatus(
        objects.createNamespacedCustomObject({ ...at(name), body: widget(name, spec) }),
      );
      expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
      return status;
    };
    const wrongType = await refused('typed', { size: 'small', replicas: 'three' });
    expect(wrongType.message).toBe(
      'Widget.example.com "typed" is invalid: spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    );
    expect(wrongType.details?.causes).toEqual([
      {
        reason: 'FieldValueTypeInvalid',
        message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"',
        field: 'spec.replicas',
      },
    ]);
    const causes = async (spec: Json) =>
      ((await refused('bad', spec)).details?.causes as Json[]).map(
        ({ field, message }) => `${field}: ${message}`,
      );
    expect(await causes({})).toEqual(['spec.size: Required value']);
    expect(await causes({ size: 'huge' })).toEqual([
      'spec.size: Unsupported value: "huge": supported values: "small", "large"',
    ]);
    expect(await causes({ size: 'small', replicas: 11, colour: 'Red' })).toEqual([
      'spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10',
      'spec.colour: Invalid value: "Red": spec.colour in body should match \'^[a-z]+$\'',
    ]);
    expect(await causes({ size: 'small', parts: [{ name: 'x' }, {}] })).toEqual([
      'spec.parts[1].name: Required value',
    ]);
    expect(await causes({ size: 'small', port: true })).toEqual([
      'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
    ]);

    // Updates and patches are held to the same schema.
    await objects.createNamespacedCustomObject({ ...at('good'), body: widget('good') });
    const patch = await failedStatus(
      objects.patchNamespacedCustomObject(
        { ...at('good'), body: { spec: { replicas: -1 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(patch.details?.causes[0].field).toBe('spec.replicas');
  });

  it('prunes unknown fields, keeps preserved ones, and fills in defaults', async () => {
    const { objects } = await withWidgets();
    const body = {
      ...widget('pruned', {
        size: 'small',
        bogus: true,
        port: 'http',
        labels: { tier: 'web' },
        extra: { anything: { nested: [1, 2] } },
        parts: [{ name: 'wheel', weight: 3 }],
      }),
      junk: 'dropped',
    };
    await objects.createNamespacedCustomObject({ ...at('pruned'), body });
    const stored = await objects.getNamespacedCustomObject(at('pruned'));
    expect(stored.junk).toBeUndefined();
    expect(stored.spec).toEqual({
      size: 'small',
      port: 'http',
      labels: { tier: 'web' },
      extra: { anything: { nested: [1, 2] } },
      parts: [{ name: 'wheel' }],
      replicas: 1,
      colour: 'blue',
    });
    // A null where the schema allows none counts as absent, so the default takes its place.
    const reset = await objects.replaceNamespacedCustomObject({
      ...at('pruned'),
      body: { ...stored, spec: { ...stored.spec, replicas: null, port: 8080 } },
    });
    expect(reset.spec).toMatchObject({ replicas: 1, port: 8080 });
  });

  it('keeps status apart behind the status subresource, and scales through scale', async () => {
    const { objects } = await withWidgets();
    const created = await objects.createNamespacedCustomObject({
      ...at('w'),
      body: { ...widget('w'), status: { phase: 'Ready' } },
    });
    expect(created.status).toBeUndefined();
    const withStatus = await objects.patchNamespacedCustomObjectStatus(
      { ...at('w'), body: { status: { phase: 'Ready', replicas: 1, selector: 'app=w' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(withStatus.status.phase).toBe('Ready');
    expect(withStatus.metadata.generation).toBe(1);
    const ignored = await objects.patchNamespacedCustomObject(
      { ...at('w'), body: { status: { phase: 'Broken' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(ignored.status.phase).toBe('Ready');
    const badStatus = await failedStatus(
      objects.patchNamespacedCustomObjectStatus(
        { ...at('w'), body: { status: { replicas: 'one' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(badStatus.details?.causes[0].field).toBe('status.replicas');

    const scale = await objects.getNamespacedCustomObjectScale(at('w'));
    expect(scale).toMatchObject({
      kind: 'Scale',
      spec: { replicas: 1 },
      status: { replicas: 1, selector: 'app=w' },
    });
    await objects.patchNamespacedCustomObjectScale(
      { ...at('w'), body: { spec: { replicas: 4 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect((await objects.getNamespacedCustomObject(at('w'))).spec.replicas).toBe(4);
    const tooMany = await failedStatus(
      objects.patchNamespacedCustomObjectScale(
        { ...at('w'), body: { spec: { replicas: 11 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(tooMany.code).toBe(422);
  });

  it("prints a CRD's additionalPrinterColumns in server-side tables", async () => {
    const { sandbox, objects } = await withWidgets();
    await objects.createNamespacedCustomObject({
      ...at('a'),
      body: widget('a', { size: 'large', replicas: 3 }),
    });
    const response = await sandbox.request(WIDGETS, {
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    const table = (await response.json()) as Json;
    expect(table.kind).toBe('Table');
    const names = table.columnDefinitions.map((column: Json) => [column.name, column.priority]);
    expect(names).toEqual(
      expect.arrayContaining([
        ['Size', 0],
        ['Replicas', 1],
      ]),
    );
    const cells = table.rows[0].cells as unknown[];
    expect(cells[0]).toBe('a');
    expect(cells).toEqual(expect.arrayContaining(['large', 3]));
  });

  it('deletes the custom resources of a deleted CRD, then stops serving them', async () => {
    const { sandbox, extensions, objects } = await withWidgets();
    await sandbox.kc
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: 'other' } } });
    await objects.createNamespacedCustomObject({ ...at('a'), body: widget('a') });
    await objects.createNamespacedCustomObject({
      ...at('b', 'other'),
      body: widget('b', { size: 'large' }, 'other'),
    });
    const deleting = await sandbox.request(`${CRDS}/${CRD_NAME}`, { method: 'DELETE' });
    const marked = (await deleting.json()) as Json;
    expect(marked.metadata.finalizers).toContain('customresourcecleanup.apiextensions.k8s.io');
    expect(marked.metadata.deletionTimestamp).toBeTruthy();

    await waitFor(
      async () =>
        (await failedStatus(extensions.readCustomResourceDefinition({ name: CRD_NAME }))).code ===
        404,
      { what: 'the CRD to be gone' },
    );
    expect((await json(sandbox, WIDGETS)).status).toBe(404);
    expect((await json(sandbox, `/apis/${GROUP}`)).status).toBe(404);
    const groups = (await json(sandbox, '/apis')).body.groups as Json[];
    expect(groups.map(({ name }) => name)).not.toContain(GROUP);

    // Defined again, the kind starts empty: the old custom resources went with the old CRD.
    await withWidgets(sandbox);
    const all = await json(sandbox, `/apis/${GROUP}/v1/${PLURAL}`);
    expect(all.body.items).toEqual([]);
  });

  it('answers 422 with causes for an invalid CRD', async () => {
    const { sandbox, extensions } = await withWidgets();
    const causesOf = async (crd: Json) => {
      const { status, body } = await postCrd(sandbox, crd);
      expect(status).toBe(422);
      expect(body.reason).toBe('Invalid');
      return (body.details.causes as Json[]).map(({ field, message }) => `${field}: ${message}`);
    };
    // Through client-node too, with a CRD its model can carry.
    const missingScope = await failedStatus(
      extensions.createCustomResourceDefinition({
        body: {
          metadata: { name: 'gadgets.example.com' },
          spec: {
            group: GROUP,
            names: { plural: 'gadgets', kind: 'Gadget' },
            scope: '',
            versions: [{ name: 'v1', served: true, storage: true }],
          },
        },
      }),
    );
    expect(missingScope.code).toBe(422);
    expect(missingScope.details?.causes.map(({ field }: Json) => field)).toEqual([
      'spec.scope',
      'spec.versions[0].schema.openAPIV3Schema',
    ]);
    const base = widgetCrd();
    const version = base.spec.versions[1];
    expect(await causesOf({ ...base, metadata: { name: 'gadgets.example.com' } })).toEqual([
      'metadata.name: Invalid value: "gadgets.example.com": must be spec.names.plural+"."+spec.group',
    ]);
    expect(
      await causesOf({
        ...base,
        metadata: { name: 'gadgets.example' },
        spec: { ...base.spec, group: 'example', names: { plural: 'gadgets', kind: 'Gadget' } },
      }),
    ).toEqual(['spec.group: Invalid value: "example": should be a domain with at least one dot']);
    expect(await causesOf({ ...base, spec: { ...base.spec, scope: 'Global' } })).toEqual([
      'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
    ]);
    expect(
      await causesOf({
        ...base,
        spec: {
          ...base.spec,
          versions: [
            { ...version, name: 'v1' },
            { ...version, name: 'v2', schema: { openAPIV3Schema: { type: 'string' } } },
            { name: 'v3', served: false, storage: false },
          ],
        },
      }),
    ).toEqual([
      'spec.versions[1].schema.openAPIV3Schema.type: Unsupported value: "string": supported values: "object"',
      'spec.versions[2].schema.openAPIV3Schema: Required value: schemas are required',
      'spec.versions: Invalid value: ["v1","v2","v3"]: must have exactly one version marked as storage version',
    ]);
    const untyped = {
      type: 'object',
      properties: { spec: { type: 'object', properties: { size: { description: 'no type' } } } },
    };
    expect(
      await causesOf({
        ...base,
        spec: { ...base.spec, versions: [{ ...version, schema: { openAPIV3Schema: untyped } }] },
      }),
    ).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[size].type: Required value: must not be empty for specified object fields',
    ]);
    // Another CRD of the group already answers to `wd`.
    expect(
      await causesOf({
        ...base,
        metadata: { name: 'gadgets.example.com' },
        spec: { ...base.spec, names: { plural: 'gadgets', kind: 'Gadget', shortNames: ['wd'] } },
      }),
    ).toEqual([
      'spec.names.shortNames[0]: Invalid value: "wd": is already in use by customresourcedefinition "widgets.example.com"',
    ]);
  });

  it('serves stored CRDs again after a restart, and serves cluster-scoped kinds', async () => {
    const first = await startTestSandbox();
    await withWidgets(first);
    const extensions = first.kc.makeApiClient(ApiextensionsV1Api);
    const gizmos: V1CustomResourceDefinition = {
      metadata: { name: 'gizmos.example.com' },
      spec: {
        group: GROUP,
        names: { plural: 'gizmos', kind: 'Gizmo' },
        scope: 'Cluster',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: { type: 'object', properties: { size: { type: 'string' } } },
                },
              },
            },
          },
        ],
      },
    };
    await extensions.createCustomResourceDefinition({ body: gizmos });
    const objects = first.kc.makeApiClient(CustomObjectsApi);
    await waitFor(async () => (await json(first, `/apis/${GROUP}/v1/gizmos`)).status === 200);
    await objects.createClusterCustomObject({
      group: GROUP,
      version: 'v1',
      plural: 'gizmos',
      body: {
        apiVersion: `${GROUP}/v1`,
        kind: 'Gizmo',
        metadata: { name: 'g' },
        spec: { size: 'small' },
      },
    });
    await objects.createNamespacedCustomObject({ ...at('kept'), body: widget('kept') });
    await first.close();

    const second = await startTestSandbox({ data: first.data });
    const gizmo = await json(second, `/apis/${GROUP}/v1/gizmos/g`);
    expect(gizmo.status).toBe(200);
    expect(gizmo.body.metadata.namespace).toBeUndefined();
    expect((await json(second, `${WIDGETS}/kept`)).body.spec).toMatchObject({ size: 'small' });
  });

  it.skipIf(!hasKubectl)(
    'kubectl applies a CRD and a custom resource, gets it and explains its fields',
    async () => {
      const sandbox = await startTestSandbox();
      const dir = await tempDir();
      const crdFile = join(dir, 'crd.yaml');
      const widgetFile = join(dir, 'widget.yaml');
      await writeFile(crdFile, stringify(widgetCrd()));
      await writeFile(widgetFile, stringify(widget('first', { size: 'large', replicas: 2 })));
      expect(await kubectl(sandbox, 'apply', '-f', crdFile)).toContain(
        `customresourcedefinition.apiextensions.k8s.io/${CRD_NAME} created`,
      );
      await kubectl(sandbox, 'wait', '--for=condition=Established', `crd/${CRD_NAME}`);
      expect(await kubectl(sandbox, 'apply', '-f', widgetFile)).toContain(
        'widget.example.com/first created',
      );
      expect(await kubectl(sandbox, 'get', PLURAL)).toMatch(/^NAME\s+SIZE\nfirst\s+large\n/);
      expect(await kubectl(sandbox, 'get', 'wd', 'first', '-o', 'jsonpath={.spec.colour}')).toBe(
        'blue',
      );
      const explained = await kubectl(sandbox, 'explain', 'widget.spec');
      expect(explained).toContain('KIND:       Widget');
      expect(explained).toContain('FIELD: spec <Object>');
      expect(explained).toContain('How big the widget is.');
      // A second apply with a change patches the custom resource with a merge patch.
      await writeFile(widgetFile, stringify(widget('first', { size: 'small', replicas: 2 })));
      expect(await kubectl(sandbox, 'apply', '-f', widgetFile)).toContain(
        'widget.example.com/first configured',
      );
    },
  );
});
