/**
 * Manifests in and out over HTTP: import multi-document YAML into a new design, export it again
 * unchanged, and refuse bad input with errors that say where.
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { api, type DesignJson } from '../helpers/api.js';
import { startTestHub } from '../helpers/hub.js';
import { COMPONENT_SIZE } from '../../shared/design/layeredLayout.js';

const MANIFESTS = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web}
  annotations: {team: storefront}
  finalizers: [example.com/keep]
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
# a kind nobody registered: kept as it is
apiVersion: widgets.example.com/v1
kind: Widget
metadata: {name: spinner, namespace: shop}
spec: {speed: 3, colours: [red, green]}
---
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: shop}, data: {x: "1"}}
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b, namespace: shop}, data: {y: "2"}}
---
{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "token", "namespace": "shop"}, "type": "Opaque", "data": {"t": "c2VjcmV0"}}
---
`;

type Detail = Omit<DesignJson, 'components'> & {
  components: { id: string; kind: string; namespace?: string; parent?: string }[];
  layout: Record<string, { x: number; y: number }>;
  relationships: { subType: string; origin: string; from: string; to: string }[];
};

async function importYaml(url: string, body: string, name = 'shop') {
  const response = await fetch(`${url}/api/designs/import?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/yaml' },
    body,
  });
  return {
    status: response.status,
    body: (await response.json()) as { id: string; error?: { code: string; message: string } },
  };
}

/** The objects of a multi-document YAML text, Lists expanded, in order. */
function objectsOf(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as { kind?: string; items?: unknown[] } | null)
    .filter((value) => value !== null)
    .flatMap((value) => (value!.kind === 'List' ? value!.items! : [value]));
}

describe('manifests in and out', () => {
  it('imports every object as a component, placed in its Namespace, laid out along its relationships without overlaps', async () => {
    const { url } = await startTestHub();
    const created = await importYaml(url, MANIFESTS);
    expect(created.status).toBe(201);
    const { body: design } = await api<Detail>(url, 'GET', `/api/designs/${created.body.id}`);
    expect(design.name).toBe('shop');
    expect(design.components.map((c) => c.kind)).toEqual([
      'Namespace',
      'Deployment',
      'Service',
      'Widget',
      'ConfigMap',
      'ConfigMap',
      'Secret',
    ]);
    const namespace = design.components[0]!;
    for (const component of design.components.slice(1)) {
      expect(component).toMatchObject({ namespace: 'shop', parent: namespace.id });
    }
    // Inference sees the imported design at once.
    const network = design.relationships.find(
      (relationship) => relationship.subType === 'network' && relationship.origin === 'inferred',
    );
    expect(network).toBeDefined();
    // Laid out along what relates: the Service ranks before the Deployment it selects, and
    // every component sits below the Namespace's title, none covering another.
    const at = (id: string) => design.layout[id]!;
    expect(at(network!.from).x + COMPONENT_SIZE.width).toBeLessThan(at(network!.to).x);
    const children = design.components.slice(1).map((c) => ({ ...at(c.id), ...COMPONENT_SIZE }));
    for (const child of children) {
      expect(child.x).toBeGreaterThan(at(namespace.id).x);
      expect(child.y).toBeGreaterThanOrEqual(at(namespace.id).y + 40);
    }
    const overlapping = children.filter((a, i) =>
      children.some(
        (b, j) =>
          i !== j &&
          a.x < b.x + b.width &&
          b.x < a.x + a.width &&
          a.y < b.y + b.height &&
          b.y < a.y + a.height,
      ),
    );
    expect(overlapping).toEqual([]);
  });

  it('exports the design as the same manifests, every field kept', async () => {
    const { url } = await startTestHub();
    const { body } = await importYaml(url, MANIFESTS);
    const response = await fetch(`${url}/api/designs/${body.id}/manifests`);
    expect(response.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(objectsOf(await response.text())).toEqual(objectsOf(MANIFESTS));
  });

  it.each([
    [
      'bad indentation',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\n kind: x\n',
      /document 2 \(line \d+\)/,
    ],
    ['no kind', 'apiVersion: v1\nmetadata: {name: a}\n', /document 1.*has no kind/],
    [
      'no name',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n',
      /document 1.*has no metadata.name/,
    ],
    ['a scalar', '---\njust text\n', /document 1.*is not a mapping/],
    [
      'a List item without a name',
      'apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: ConfigMap}]\n',
      /items\[0\] has no metadata.name/,
    ],
    [
      'a repeated key',
      'apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata: {name: a}\n',
      /document 1 \(line 3\)/,
    ],
  ])('refuses %s with a 400 naming the document', async (_what, yaml, message) => {
    const { url } = await startTestHub();
    const { status, body } = await importYaml(url, yaml);
    expect(status).toBe(400);
    expect(body.error?.code).toBe('invalid_manifest');
    expect(body.error?.message).toMatch(message);
  });

  it('refuses an alias bomb and an oversized body, and stays up', async () => {
    const { url } = await startTestHub();
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const previous = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      levels.push(`${next}: &${next} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: boom}\ndata:\n  ${levels.join('\n  ')}\n`;
    const exploded = await importYaml(url, bomb);
    expect(exploded.status).toBe(400);
    expect(exploded.body.error?.message).toMatch(/alias/i);

    const huge = await importYaml(url, ' '.repeat(17 * 1024 * 1024));
    expect(huge.status).toBe(413);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('needs a name, and answers 404 for the manifests of an unknown design', async () => {
    const { url } = await startTestHub();
    expect((await importYaml(url, MANIFESTS, '')).status).toBe(400);
    expect((await fetch(`${url}/api/designs/nope/manifests`)).status).toBe(404);
  });
});
