/**
 * Discovery against the hub's sandbox over HTTP: designs made of what runs on the cluster
 * (deployed by Weft, or created directly with `@kubernetes/client-node`), the filters, refusals,
 * and the cluster's CRDs imported into the model registry.
 */
import { readFile } from 'node:fs/promises';
import {
  ApiextensionsV1Api,
  KubeConfig,
  KubernetesObjectApi,
  type KubernetesObject,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { ConnectionView } from '../../shared/operate/connections.js';
import { api, importDesign, type DesignJson } from '../helpers/api.js';
import { deployAndWait } from '../helpers/deployments.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { closedPort } from '../helpers/silentServer.js';
import { waitFor } from '../helpers/wait.js';

/** A design of several kinds, some fields set to what the API server would default them to. */
const SHOP = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: read-settings, namespace: shop}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web-reads-settings, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: read-settings}
subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-settings, namespace: shop, annotations: {owner: ada}}
data: {MODE: fast}
---
apiVersion: v1
kind: Secret
metadata: {name: web-token, namespace: shop}
data: {TOKEN: c2VjcmV0}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      containers:
        - name: web
          image: nginx:1.27
          imagePullPolicy: IfNotPresent
          ports: [{name: http, containerPort: 8080}]
          envFrom: [{configMapRef: {name: web-settings}}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: busybox:1.36, command: [sh, -c, 'echo done']}]
`;

/** Objects as a person would create them by hand, leaving every default to the API server. */
const DIRECT: KubernetesObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'direct' } },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: 'direct' },
    data: { LEVEL: 'debug' },
  } as KubernetesObject,
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'creds', namespace: 'direct' },
    data: { PASSWORD: 'aHVudGVyMg==' },
  } as KubernetesObject,
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'direct', labels: { app: 'api' } },
    spec: {
      selector: { matchLabels: { app: 'api' } },
      template: {
        metadata: { labels: { app: 'api' } },
        spec: {
          containers: [{ name: 'api', image: 'nginx:1.27', ports: [{ containerPort: 8080 }] }],
        },
      },
    },
  } as KubernetesObject,
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'api', namespace: 'direct' },
    spec: { selector: { app: 'api' }, ports: [{ port: 80 }] },
  } as KubernetesObject,
  {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'seed', namespace: 'direct' },
    spec: {
      template: {
        spec: { restartPolicy: 'Never', containers: [{ name: 'seed', image: 'busybox:1.36' }] },
      },
    },
  } as KubernetesObject,
  {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly', namespace: 'direct' },
    spec: {
      schedule: '0 3 * * *',
      jobTemplate: {
        spec: {
          template: {
            spec: {
              restartPolicy: 'OnFailure',
              containers: [{ name: 'report', image: 'busybox:1.36' }],
            },
          },
        },
      },
    },
  } as KubernetesObject,
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'debug', namespace: 'direct' },
    spec: { containers: [{ name: 'shell', image: 'busybox:1.36' }] },
  } as KubernetesObject,
];

interface Imported extends Omit<DesignJson, 'components'> {
  components: number;
  skipped: { kind: string; namespace?: string; name?: string; reason: string }[];
  skippedCount: number;
}

interface ApiError {
  error: { code: string; message: string };
}

type Manifest = KubernetesObject & Record<string, unknown>;

async function hubWithSandbox(): Promise<{
  hub: TestHub;
  kc: KubeConfig;
  cluster: KubernetesObjectApi;
}> {
  const hub = await startTestHub({ sandbox: true, sandboxPodStartMs: 50 });
  const kc = new KubeConfig();
  kc.loadFromFile(hub.hub.sandbox!.kubeconfigPath);
  return { hub, kc, cluster: KubernetesObjectApi.makeApiClient(kc) };
}

/** `POST /api/connections/:id/import`, expecting a new design. */
async function importFrom(
  url: string,
  body: Record<string, unknown>,
  connection = 'sandbox',
): Promise<Imported> {
  const { status, body: imported } = await api<Imported>(
    url,
    'POST',
    `/api/connections/${connection}/import`,
    body,
  );
  expect(status, JSON.stringify(imported)).toBe(201);
  return imported;
}

/** A design's manifests as parsed objects, keyed `Kind namespace/name`. */
async function manifestsOf(url: string, design: string): Promise<Map<string, Manifest>> {
  const response = await fetch(`${url}/api/designs/${design}/manifests`);
  expect(response.status).toBe(200);
  const objects = parseAllDocuments(await response.text()).map((doc) => doc.toJS() as Manifest);
  return new Map(objects.map((object) => [keyOf(object), object]));
}

const keyOf = (object: KubernetesObject): string =>
  `${object.kind} ${object.metadata?.namespace ?? ''}/${object.metadata?.name}`;

/** Waits until the cluster holds `kind` `namespace/name` (made by one of its controllers). */
const exists = (cluster: KubernetesObjectApi, kind: string, namespace: string, name: string) =>
  waitFor(
    () =>
      cluster
        .read({ apiVersion: 'v1', kind, metadata: { name, namespace } })
        .then(() => true)
        .catch(() => false),
    { what: `${kind} ${namespace}/${name}` },
  );

const designCount = async (url: string) =>
  (await api<DesignJson[]>(url, 'GET', '/api/designs')).body.length;

describe('discovery', () => {
  it('imports a deployed design back as an equal design, without what the cluster added', async () => {
    const { hub } = await hubWithSandbox();
    const original = await importDesign(hub.url, SHOP, 'shop');
    const deployment = await deployAndWait(hub.url, original, { connections: ['sandbox'] });
    expect(deployment.state, JSON.stringify(deployment)).toBe('succeeded');

    const imported = await importFrom(hub.url, { namespaces: ['shop'], name: 'shop again' });
    expect(imported).toMatchObject({ name: 'shop again', components: 10 });
    expect(imported.id).not.toBe(original);
    // The Deployment's ReplicaSet and pods, and the Job's pod, are made by their controllers.
    const reasons = new Map(imported.skipped.map((s) => [`${s.kind} ${s.name}`, s.reason]));
    const replicaSet = imported.skipped.find((s) => s.kind === 'ReplicaSet');
    expect(replicaSet?.reason).toBe('made by Deployment web, which the design holds instead');
    expect(imported.skipped.filter((s) => s.kind === 'Pod')).toHaveLength(3);
    expect(reasons.get('ServiceAccount default')).toMatch(/default ServiceAccount/);

    const before = await manifestsOf(hub.url, original);
    const after = await manifestsOf(hub.url, imported.id);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [key, manifest] of before) expect(after.get(key), key).toEqual(manifest);
    const text = stringify([...after.values()]);
    for (const absent of [
      'status',
      'uid',
      'resourceVersion',
      'managedFields',
      'clusterIP',
      'weft.dev/',
    ]) {
      expect(text).not.toContain(absent);
    }

    // Laid out like any import: every component placed, namespaced ones in their Namespace.
    const { body: detail } = await api<
      Omit<DesignJson, 'components'> & {
        components: { id: string; kind: string; parent?: string }[];
        layout: Record<string, unknown>;
      }
    >(hub.url, 'GET', `/api/designs/${imported.id}`);
    const namespace = detail.components.find((c) => c.kind === 'Namespace')!;
    for (const component of detail.components) {
      expect(detail.layout[component.id]).toBeDefined();
      if (component !== namespace) expect(component.parent).toBe(namespace.id);
    }
  });

  it('imports objects created directly on the cluster without the defaults it filled in', async () => {
    const { hub, cluster } = await hubWithSandbox();
    for (const object of DIRECT) await cluster.create(object);
    // What the cluster did with them: defaults, an allocated cluster IP, a generated selector.
    const live = (await cluster.read({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api', namespace: 'direct' },
    })) as Manifest & { spec: { clusterIP?: string; ports: { targetPort?: number }[] } };
    expect(live.spec.clusterIP).toMatch(/^10\.96\./);
    expect(live.spec.ports[0]!.targetPort).toBe(80);
    const job = (await cluster.read({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'seed', namespace: 'direct' },
    })) as Manifest & { spec: { selector?: unknown; backoffLimit?: number } };
    expect(job.spec.selector).toBeDefined();
    expect(job.spec.backoffLimit).toBe(6);
    await exists(cluster, 'ServiceAccount', 'direct', 'default');

    const imported = await importFrom(hub.url, { namespaces: ['direct'] });
    expect(imported.components).toBe(DIRECT.length);
    const manifests = await manifestsOf(hub.url, imported.id);
    expect([...manifests.keys()].sort()).toEqual(DIRECT.map(keyOf).sort());
    // Exactly what was sent: every default and allocation the sandbox added is gone.
    for (const object of DIRECT)
      expect(manifests.get(keyOf(object)), keyOf(object)).toEqual(object);
  });

  it("filters by kind, label selector and namespace, and leaves out the cluster's own objects, saying why", async () => {
    const { hub, cluster } = await hubWithSandbox();
    const configMap = (namespace: string, name: string, labels?: Record<string, string>) =>
      ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace, ...(labels ? { labels } : {}) },
        data: { A: '1' },
      }) as KubernetesObject;
    for (const object of [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b' } },
      configMap('a', 'front', { tier: 'front' }),
      configMap('a', 'plain'),
      configMap('b', 'other', { tier: 'front' }),
      configMap('kube-system', 'system-settings'),
      // What a real cluster puts in every namespace and in `default`.
      configMap('a', 'kube-root-ca.crt'),
      {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: {
          name: 'default-token',
          namespace: 'a',
          annotations: { 'kubernetes.io/service-account.name': 'default' },
        },
      } as KubernetesObject,
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kubernetes', namespace: 'default' },
        spec: { ports: [{ port: 443 }] },
      } as KubernetesObject,
    ]) {
      await cluster.create(object);
    }
    await exists(cluster, 'ServiceAccount', 'a', 'default');
    const keysOf = async (imported: Imported) =>
      [...(await manifestsOf(hub.url, imported.id)).keys()].sort();

    const configMaps = await importFrom(hub.url, { kinds: ['ConfigMap'], namespaces: ['a', 'b'] });
    expect(await keysOf(configMaps)).toEqual([
      'ConfigMap a/front',
      'ConfigMap a/plain',
      'ConfigMap b/other',
    ]);
    expect(configMaps.skipped).toContainEqual({
      kind: 'ConfigMap',
      namespace: 'a',
      name: 'kube-root-ca.crt',
      reason: 'the cluster puts its CA certificate in every namespace',
    });

    // Namespaces holding what the selector picked come along, so the design can be deployed.
    const front = await importFrom(hub.url, { labelSelector: 'tier=front' });
    expect(await keysOf(front)).toEqual([
      'ConfigMap a/front',
      'ConfigMap b/other',
      'Namespace /a',
      'Namespace /b',
    ]);

    const onlyA = await importFrom(hub.url, { namespaces: ['a', 'missing'] });
    expect(await keysOf(onlyA)).toEqual(['ConfigMap a/front', 'ConfigMap a/plain', 'Namespace /a']);
    expect(onlyA.skipped).toEqual(
      expect.arrayContaining([
        {
          kind: 'ServiceAccount',
          namespace: 'a',
          name: 'default',
          reason: 'the cluster gives every namespace a default ServiceAccount',
        },
        {
          kind: 'Secret',
          namespace: 'a',
          name: 'default-token',
          reason: 'a ServiceAccount token, which the cluster issues',
        },
        { kind: 'Namespace', name: 'missing', reason: 'not on the cluster' },
      ]),
    );

    const everything = await importFrom(hub.url, {});
    const keys = await keysOf(everything);
    expect(keys).toEqual([
      'ConfigMap a/front',
      'ConfigMap a/plain',
      'ConfigMap b/other',
      'Namespace /a',
      'Namespace /b',
    ]);
    expect(everything.skipped).toEqual(
      expect.arrayContaining([
        {
          kind: 'ConfigMap',
          namespace: 'kube-system',
          name: 'system-settings',
          reason:
            'in the cluster\'s own namespace kube-system; name it in "namespaces" to import it',
        },
        {
          kind: 'Namespace',
          name: 'kube-system',
          reason: 'the cluster\'s own namespace; name it in "namespaces" to import it',
        },
        {
          kind: 'Namespace',
          name: 'default',
          reason: 'every cluster has it; name it in "namespaces" to import it',
        },
        {
          kind: 'Service',
          namespace: 'default',
          name: 'kubernetes',
          reason: "the cluster's own API server",
        },
      ]),
    );
    expect(everything.skippedCount).toBe(everything.skipped.length);

    const system = await importFrom(hub.url, { namespaces: ['kube-system'], kinds: ['ConfigMap'] });
    expect(await keysOf(system)).toEqual(['ConfigMap kube-system/system-settings']);
  });

  it('refuses bad requests, unknown connections and unreachable clusters, creating no design', async () => {
    const { hub } = await hubWithSandbox();
    const refusals: [unknown, string, RegExp?][] = [
      ['[1]', 'invalid_body'],
      ['{"namespaces": ', 'invalid_json'],
      [{ namespaces: 'shop' }, 'invalid_body', /"namespaces" must be a list/],
      [{ namespaces: [] }, 'invalid_body'],
      [{ namespaces: ['Not_A_Name'] }, 'invalid_body', /Not_A_Name/],
      [{ labelSelector: 5 }, 'invalid_body'],
      [{ kinds: 'Deployment' }, 'invalid_body'],
      [{ kinds: ['Deployment', 'Node', 'Gizmo'] }, 'unknown_kind', /"Node", "Gizmo"/],
      [{ name: '' }, 'invalid_body'],
      [{ everything: true }, 'invalid_body', /everything/],
      [{ labelSelector: 'tier in (front' }, 'invalid_label_selector'],
    ];
    for (const [body, code, message] of refusals) {
      const { status, body: error } = await api<ApiError>(
        hub.url,
        'POST',
        '/api/connections/sandbox/import',
        typeof body === 'string' ? body : JSON.stringify(body),
      );
      expect(status, JSON.stringify(body)).toBe(400);
      expect(error.error.code, JSON.stringify(body)).toBe(code);
      if (message) expect(error.error.message).toMatch(message);
    }
    const nothing = await api<ApiError>(hub.url, 'POST', '/api/connections/sandbox/import', {
      namespaces: ['nowhere'],
    });
    expect(nothing.status).toBe(422);
    expect(nothing.body.error.code).toBe('nothing_to_import');

    for (const path of ['import', 'import-crds']) {
      const { status, body } = await api<ApiError>(
        hub.url,
        'POST',
        `/api/connections/nope/${path}`,
      );
      expect(status).toBe(404);
      expect(body.error.code).toBe('not_found');
    }

    const kubeconfig = parse(await readFile(hub.hub.sandbox!.kubeconfigPath, 'utf8')) as {
      clusters: { cluster: { server: string } }[];
    };
    kubeconfig.clusters[0]!.cluster.server = `https://127.0.0.1:${await closedPort()}`;
    const { body: away } = await api<ConnectionView>(hub.url, 'POST', '/api/connections', {
      name: 'away',
      kubeconfig: stringify(kubeconfig),
    });
    for (const path of ['import', 'import-crds']) {
      const { status, body } = await api<ApiError>(
        hub.url,
        'POST',
        `/api/connections/${away.id}/${path}`,
        {},
      );
      expect(status).toBe(502);
      expect(body.error).toMatchObject({ code: 'cluster_unreachable' });
      expect(body.error.message).toMatch(
        /^could not reach away: connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
      );
    }
    expect(await designCount(hub.url)).toBe(0);
  });

  it("imports the cluster's CustomResourceDefinitions into the model registry", async () => {
    const { hub, kc } = await hubWithSandbox();
    const none = await api<unknown[]>(hub.url, 'POST', '/api/connections/sandbox/import-crds');
    expect(none).toEqual({ status: 200, body: [] });

    // client-node's typed model spells the schema's extensions `x_kubernetes_…` and sends them
    // as `x-kubernetes-…`; the generic object API would drop them.
    const crd: V1CustomResourceDefinition = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.weft.dev' },
      spec: {
        group: 'example.weft.dev',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                description: 'A widget.',
                properties: {
                  spec: {
                    type: 'object',
                    properties: {
                      size: { type: 'integer' },
                      extra: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    };
    await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({ body: crd });

    const { status, body: added } = await api(
      hub.url,
      'POST',
      '/api/connections/sandbox/import-crds',
    );
    expect(status).toBe(201);
    expect(added).toEqual([
      expect.objectContaining({
        name: 'example.weft.dev',
        version: 'v1',
        components: [{ kind: 'Widget', apiVersion: 'example.weft.dev/v1' }],
      }),
    ]);
    const { body: models } = await api<{ name: string; components: number }[]>(
      hub.url,
      'GET',
      '/api/models',
    );
    expect(models).toContainEqual(
      expect.objectContaining({ name: 'example.weft.dev', components: 1 }),
    );
    const { body: widget } = await api<{
      namespaced: boolean;
      description: string;
      schema: { properties: { spec: { properties: Record<string, Record<string, unknown>> } } };
    }>(hub.url, 'GET', '/api/models/example.weft.dev/components/Widget');
    expect(widget).toMatchObject({ namespaced: true, description: 'A widget.' });
    // The schema as the cluster serves it, its `x-kubernetes-…` extensions spelled as they are.
    expect(widget.schema.properties.spec.properties).toEqual({
      size: { type: 'integer' },
      extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    });
  });
});
