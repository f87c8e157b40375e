/**
 * The model registry over HTTP: the built-in Kubernetes model, searching it, and one
 * component's JSON Schema (from kubernetes-models, not typed by hand).
 */
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api.js';
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
});
