/**
 * The model registry over HTTP: the built-in Kubernetes model, searching it, and one
 * component's JSON Schema (from kubernetes-models, not typed by hand).
 */
import { describe, expect, it } from 'vitest';
import { writeComponent } from '../../shared/design/convert.js';
import { readFindings } from '../../shared/design/derived.js';
import { api, createDesign, importDesign } from '../helpers/api.js';
import { connectClient } from '../helpers/client.js';
import { component } from '../helpers/components.js';
import { tempDir } from '../helpers/tempDir.js';
import { waitFor } from '../helpers/wait.js';
import { startTestHub } from '../helpers/hub.js';

interface Summary {
  kind: string;
  apiVersion: string;
  namespaced: boolean;
  category: string;
  schema?: unknown;
}

describe('model registry', () => {
  it('lists the Kubernetes model and its components without schemas', async () => {
    const { url } = await startTestHub();
    const models = await api<{ name: string; components: number; source: string }[]>(
      url,
      'GET',
      '/api/models',
    );
    expect(models.body).toEqual([
      expect.objectContaining({
        name: 'kubernetes',
        components: 31,
        source: expect.stringContaining('kubernetes-models@'),
      }),
    ]);
    const { body: components } = await api<Summary[]>(
      url,
      'GET',
      '/api/models/kubernetes/components',
    );
    expect(components).toHaveLength(31);
    expect(components.every((component) => component.schema === undefined)).toBe(true);
    expect(components.find((c) => c.kind === 'Deployment')).toMatchObject({
      apiVersion: 'apps/v1',
      namespaced: true,
      category: 'Workload',
    });
    expect(components.find((c) => c.kind === 'ClusterRole')).toMatchObject({
      namespaced: false,
      category: 'Security',
    });
  });

  it('searches by kind or category', async () => {
    const { url } = await startTestHub();
    const roles = await api<Summary[]>(url, 'GET', '/api/models/kubernetes/components?search=role');
    expect(roles.body.map((c) => c.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
    ]);
    const storage = await api<Summary[]>(
      url,
      'GET',
      '/api/models/kubernetes/components?search=STORAGE',
    );
    expect(storage.body.map((c) => c.kind)).toContain('PersistentVolumeClaim');
  });

  it('serves one component with a self-contained JSON Schema', async () => {
    const { url } = await startTestHub();
    const { status, body } = await api<{
      schema: {
        properties: Record<string, { oneOf?: { $ref?: string }[] }>;
        definitions: Record<string, unknown>;
      };
    }>(url, 'GET', '/api/models/kubernetes/components/Deployment');
    expect(status).toBe(200);
    const specRef = body.schema.properties.spec!.oneOf![0]!.$ref!;
    expect(specRef).toBe('#/definitions/io.k8s.api.apps.v1.DeploymentSpec');
    // Every reference resolves inside the document.
    const refs = JSON.stringify(body.schema).match(/"\$ref":"#\/definitions\/[^"]+"/g)!;
    for (const ref of refs) expect(body.schema.definitions).toHaveProperty([ref.slice(22, -1)]);
    expect(body.schema.definitions).toHaveProperty(['io.k8s.api.core.v1.Container']);
  });

  it('answers 404 for an unknown model or kind', async () => {
    const { url } = await startTestHub();
    expect((await api(url, 'GET', '/api/models/openshift/components')).status).toBe(404);
    expect((await api(url, 'GET', '/api/models/kubernetes/components/Gadget')).status).toBe(404);
  });

  it('imports CustomResourceDefinitions as a model per group, kept across restarts, and validates with them', async () => {
    const data = await tempDir();
    const first = await startTestHub({ data });
    const imported = await fetch(`${first.url}/api/models/import`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/yaml' },
      body: CRDS,
    });
    expect(imported.status).toBe(201);
    expect(await imported.json()).toEqual([
      expect.objectContaining({
        name: 'example.com',
        components: [
          { kind: 'Widget', apiVersion: 'example.com/v1' },
          { kind: 'Widget', apiVersion: 'example.com/v1beta1' },
          { kind: 'Gizmo', apiVersion: 'example.com/v1' },
        ],
      }),
    ]);
    await first.close();

    const { url, wsUrl } = await startTestHub({ data });
    const widget = await api<{
      namespaced: boolean;
      schema: { properties: Record<string, unknown> };
    }>(url, 'GET', '/api/models/example.com/components/Widget?apiVersion=example.com/v1');
    expect(widget.body.namespaced).toBe(true);
    expect(widget.body.schema.properties).toHaveProperty(
      ['spec', 'properties', 'speed', 'type'],
      'integer',
    );
    const gizmos = await api<{ namespaced: boolean }[]>(
      url,
      'GET',
      '/api/models/example.com/components?search=gizmo',
    );
    expect(gizmos.body).toEqual([expect.objectContaining({ namespaced: false })]);

    // Manifests of the imported kind get its model, and are validated against its schema.
    const importedId = await importDesign(
      url,
      'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: spinner}\nspec: {speed: fast}\n',
      'widgets',
    );
    const design = await api<{
      components: { id: string; model: string }[];
      findings: Record<string, { check: string }[]>;
    }>(url, 'GET', `/api/designs/${importedId}`);
    const [spinner] = design.body.components;
    expect(spinner!.model).toBe('example.com');
    expect(design.body.findings[spinner!.id]!.map((f) => f.check)).toContain('schema');

    // A component of the imported kind is validated against its schema.
    const id = await createDesign(url);
    const editor = connectClient(wsUrl, `designs/${id}`);
    const watcher = connectClient(wsUrl, `designs/${id}/derived`);
    await Promise.all([editor.synced(), watcher.synced()]);
    editor.doc.transact(() =>
      writeComponent(editor.doc, {
        ...component('Widget', 'spinner', { spec: { speed: 'fast' } }),
        model: 'example.com',
        apiVersion: 'example.com/v1',
      }),
    );
    await waitFor(
      () => readFindings(watcher.doc)['Widget/spinner']?.some((f) => f.check === 'schema'),
      {
        what: 'the schema finding',
      },
    );
  });

  it('refuses what is not a usable CRD, naming the object', async () => {
    const { url } = await startTestHub();
    const post = (body: string) =>
      fetch(`${url}/api/models/import`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/yaml' },
        body,
      });
    const notCrd = await post('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
    expect(notCrd.status).toBe(400);
    expect(((await notCrd.json()) as { error: { message: string } }).error.message).toMatch(
      /object 1: is a ConfigMap/,
    );
    const unserved = await post(CRDS.replace(/served: true/g, 'served: false'));
    expect(unserved.status).toBe(400);
  });
});

const CRDS = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                speed: {type: integer}
    - name: v1beta1
      served: true
      storage: false
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
    - name: v1alpha1
      served: false
      storage: false
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gizmos.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {kind: Gizmo, plural: gizmos}
  versions:
    - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
`;
