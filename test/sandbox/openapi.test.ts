/**
 * The sandbox's OpenAPI documents, read raw and through kubectl: `explain` finds kinds and
 * descriptions in them, and client-side apply computes its strategic merge patch from them.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { OpenApiDocuments } from '../../server/sandbox/openapi.js';
import { ResourceCatalog } from '../../server/sandbox/resourceCatalog.js';
import type { ResourceType } from '../../server/sandbox/resourceTypes.js';
import { hasKubectl, kubectl } from '../helpers/kubectl.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { tempDir } from '../helpers/tempDir.js';

type Json = Record<string, any>;

async function json(sandbox: TestSandbox, path: string): Promise<Json> {
  const response = await sandbox.request(path, { headers: { accept: 'application/json' } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as Json;
}

/** A custom kind that brings its own schema, as a CRD's will. */
const widget: ResourceType = {
  group: 'example.com',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  singular: 'widget',
  namespaced: true,
  shortNames: [],
  categories: [],
  subresources: ['status'],
  selectableFields: [],
  schema: {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: { size: { type: 'integer', description: 'How big the widget is.' } },
      },
    },
  },
};

const manifests = (image: string) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ${image}
          ports: [{containerPort: 80}]
        - name: sidecar
          image: busybox:1.36
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
`;

describe('sandbox OpenAPI', () => {
  it('publishes v2 definitions with their kind and the merge keys of lists', async () => {
    const sandbox = await startTestSandbox();
    const document = await json(sandbox, '/openapi/v2');
    expect(document.swagger).toBe('2.0');
    const deployment = document.definitions['io.k8s.api.apps.v1.Deployment'];
    expect(deployment['x-kubernetes-group-version-kind']).toEqual([
      { group: 'apps', kind: 'Deployment', version: 'v1' },
    ]);
    expect(deployment.properties.spec.$ref).toBe('#/definitions/io.k8s.api.apps.v1.DeploymentSpec');
    const podSpec = document.definitions['io.k8s.api.core.v1.PodSpec'];
    expect(podSpec.properties.containers).toMatchObject({
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });
    const patch = document.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({
      group: 'apps',
      kind: 'Deployment',
      version: 'v1',
    });
    expect(patch.consumes).toContain('application/strategic-merge-patch+json');
    expect(patch.parameters.map((parameter: Json) => parameter.name)).toEqual(
      expect.arrayContaining(['fieldValidation', 'dryRun', 'fieldManager', 'force']),
    );
  });

  it('answers v2 well under 100 ms once built', async () => {
    const sandbox = await startTestSandbox();
    await json(sandbox, '/openapi/v2');
    const timings: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const started = performance.now();
      await (await sandbox.request('/openapi/v2')).arrayBuffer();
      timings.push(performance.now() - started);
    }
    // The fastest of three, so that a busy test machine does not decide.
    expect(Math.min(...timings)).toBeLessThan(100);
  });

  it('builds each document once per catalog content, and publishes a kind’s own schema', () => {
    const catalog = new ResourceCatalog();
    const documents = new OpenApiDocuments(catalog);
    const v2 = documents.v2();
    expect(documents.v2()).toBe(v2);
    const index = documents.v3Index();
    catalog.setCustom('widgets.example.com', [widget]);
    expect(documents.v2()).not.toBe(v2);
    expect(documents.v3Index()).not.toBe(index);
    const paths = JSON.parse(documents.v3Index().body).paths as Record<string, Json>;
    expect(paths['apis/example.com/v1']).toBeDefined();
    const document = JSON.parse(documents.v3('apis/example.com/v1')!.body) as Json;
    const schema = document.components.schemas['com.example.v1.Widget'];
    expect(schema.properties.spec.properties.size.description).toBe('How big the widget is.');
    expect(schema.properties.metadata.$ref).toBe(
      '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    );
    expect(schema['x-kubernetes-group-version-kind']).toEqual([
      { group: 'example.com', kind: 'Widget', version: 'v1' },
    ]);
    // Custom resources take no strategic merge patch, so client-side apply sends a merge patch.
    const patch =
      document.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}'].patch;
    expect(Object.keys(patch.requestBody.content)).not.toContain(
      'application/strategic-merge-patch+json',
    );
  });

  it('indexes a v3 document for every served group version, each loading at its hash', async () => {
    const sandbox = await startTestSandbox();
    const groups = (await json(sandbox, '/apis')).groups as Json[];
    const served = [
      'api/v1',
      ...groups.flatMap((group) =>
        (group.versions as Json[]).map((version) => `apis/${version.groupVersion}`),
      ),
    ];
    const index = (await json(sandbox, '/openapi/v3')).paths as Record<string, Json>;
    expect(Object.keys(index).sort()).toEqual(served.sort());
    for (const [path, { serverRelativeURL }] of Object.entries(index)) {
      expect(serverRelativeURL).toMatch(new RegExp(`^/openapi/v3/${path}\\?hash=[0-9A-F]+$`));
      const response = await sandbox.request(serverRelativeURL);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, immutable');
      const document = (await response.json()) as Json;
      expect(document.openapi).toBe('3.0.0');
      expect(Object.keys(document.paths).length, path).toBeGreaterThan(0);
    }
    const apps = await json(sandbox, index['apis/apps/v1']!.serverRelativeURL);
    const containers = apps.components.schemas['io.k8s.api.core.v1.PodSpec'].properties.containers;
    expect(containers['x-kubernetes-patch-merge-key']).toBe('name');
    const stale = await sandbox.request('/openapi/v3/apis/apps/v1?hash=0', { redirect: 'manual' });
    expect(stale.status).toBe(301);
    expect(stale.headers.get('location')).toBe(index['apis/apps/v1']!.serverRelativeURL);
  });

  it.skipIf(!hasKubectl)('kubectl explain prints a field’s description', async () => {
    const sandbox = await startTestSandbox();
    const replicas = await kubectl(sandbox, 'explain', 'deployment.spec.replicas');
    expect(replicas).toContain('KIND:       Deployment');
    expect(replicas).toContain('FIELD: replicas <integer>');
    expect(replicas).toContain('Number of desired pods.');
    const pods = await kubectl(sandbox, 'explain', 'pods');
    expect(pods).toContain('KIND:       Pod');
    expect(pods).toMatch(/spec\s+<PodSpec>/);
  });

  it.skipIf(!hasKubectl)(
    'kubectl apply creates, then patches only what the manifest changed',
    async () => {
      const sandbox = await startTestSandbox();
      const file = join(await tempDir(), 'web.yaml');
      await writeFile(file, manifests('nginx:1.27'));
      expect(await kubectl(sandbox, 'apply', '-f', file)).toMatch(
        /deployment.apps\/web created\nservice\/web created/,
      );
      const apps = sandbox.kc.makeApiClient(AppsV1Api);
      // Changes made by someone else, which the next apply must leave alone. The injected
      // container survives only if kubectl patches the list by merge key, as OpenAPI says.
      await apps.patchNamespacedDeployment(
        {
          name: 'web',
          namespace: 'default',
          body: {
            metadata: { annotations: { owner: 'ops' } },
            spec: { template: { spec: { containers: [{ name: 'proxy', image: 'envoy:1.31' }] } } },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
      await writeFile(file, manifests('nginx:1.28'));
      expect(await kubectl(sandbox, 'apply', '-f', file)).toMatch(
        /deployment.apps\/web configured\nservice\/web unchanged/,
      );
      const deployment = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
      const containers = deployment.spec?.template.spec?.containers ?? [];
      const images = Object.fromEntries(containers.map(({ name, image }) => [name, image]));
      expect(images).toEqual({ web: 'nginx:1.28', sidecar: 'busybox:1.36', proxy: 'envoy:1.31' });
      const web = containers.find(({ name }) => name === 'web');
      expect(web?.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
      expect(deployment.spec?.replicas).toBe(2);
      expect(deployment.metadata?.annotations?.owner).toBe('ops');
      const service = await sandbox.kc
        .makeApiClient(CoreV1Api)
        .readNamespacedService({ name: 'web', namespace: 'default' });
      expect(service.spec?.ports?.map(({ port }) => port)).toEqual([80]);
    },
  );
});
