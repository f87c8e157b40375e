/**
 * Server-side printing: asked for `as=Table` in `Accept`, as kubectl asks, the sandbox answers
 * `meta.k8s.io` Tables with kubectl's columns (pod status worked out from container states,
 * Deployment and Service columns, ages), rows carrying what `includeObject` says, one-row
 * Tables in watches; any other Accept still gets the list. The real kubectl then prints them.
 */
import { AppsV1Api, CoreV1Api, type V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../server/sandbox/tables/humanDuration.js';
import { deploymentManifest } from '../helpers/kubeManifests.js';
import { hasKubectl, kubectl, type KubectlTarget } from '../helpers/kubectl.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { tempDir } from '../helpers/tempDir.js';
import { waitFor } from '../helpers/wait.js';

type Json = Record<string, any>;

/** What kubectl v1.32 sends for `kubectl get`. */
const TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

const PODS = '/api/v1/namespaces/default/pods';
const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';

async function getJson(sandbox: TestSandbox, path: string, accept = TABLE_ACCEPT) {
  const response = await sandbox.request(path, { headers: { accept } });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Json,
  };
}

/** `[name, priority]` of each column. */
const columnsOf = (table: Json): [string, number][] =>
  (table.columnDefinitions as Json[]).map((column) => [column.name, column.priority]);

/** The cells of the row whose name starts with `prefix`. */
const cellsOf = (table: Json, prefix: string): unknown[] | undefined =>
  (table.rows as Json[]).find((row) => String(row.cells[0]).startsWith(prefix))?.cells;

const AGE = /^\d+s$/;

const service: V1Service = {
  metadata: { name: 'web' },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
};

/** A sandbox whose pods start at once, running the deployments given as `name: image`. */
async function withDeployments(images: Record<string, string>, replicas = 1) {
  const sandbox = await startTestSandbox({ timings: { podStartMs: 0 } });
  const apps = sandbox.kc.makeApiClient(AppsV1Api);
  for (const [name, image] of Object.entries(images)) {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deploymentManifest(name, { image, replicas }),
    });
  }
  return sandbox;
}

describe('humanDuration', () => {
  it('words durations as kubectl does, coarser the longer they are', () => {
    const s = 1_000;
    const m = 60 * s;
    const h = 60 * m;
    const d = 24 * h;
    const cases: [number, string][] = [
      [0, '0s'],
      [45 * s, '45s'],
      [119 * s + 999, '119s'],
      [2 * m, '2m'],
      [5 * m + 12 * s, '5m12s'],
      [10 * m + 30 * s, '10m'],
      [179 * m, '179m'],
      [3 * h, '3h'],
      [3 * h + 5 * m, '3h5m'],
      [8 * h + 59 * m, '8h'],
      [47 * h, '47h'],
      [2 * d + 5 * h, '2d5h'],
      [7 * d, '7d'],
      [8 * d + 3 * h, '8d'],
      [400 * d, '400d'],
      [730 * d, '2y'],
      [740 * d, '2y10d'],
      [9 * 365 * d, '9y'],
      [-1_500, '0s'],
      [-3 * s, '<invalid>'],
    ];
    expect(cases.map(([ms]) => [ms, humanDuration(ms)])).toEqual(cases);
  });
});

describe('server-side printing', () => {
  it('prints pods with READY, STATUS from container states, RESTARTS and AGE; wide IP and NODE', async () => {
    const sandbox = await withDeployments({
      web: 'nginx:1.27',
      crasher: 'example/crash:1',
      ghost: 'example/app:nonexistent',
    });
    const table = await waitFor(
      async () => {
        const { body } = await getJson(sandbox, PODS);
        const statuses = ['web', 'crasher', 'ghost'].map((name) => cellsOf(body, name)?.[2]);
        return statuses.join() === 'Running,CrashLoopBackOff,ImagePullBackOff' && body;
      },
      { what: 'the three pods to start' },
    );
    expect(table).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(table.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(columnsOf(table)).toEqual([
      ['Name', 0],
      ['Ready', 0],
      ['Status', 0],
      ['Restarts', 0],
      ['Age', 0],
      ['IP', 1],
      ['Node', 1],
      ['Nominated Node', 1],
      ['Readiness Gates', 1],
    ]);
    expect(table.columnDefinitions[0]).toMatchObject({ type: 'string', format: 'name' });
    expect(table.columnDefinitions[5].description).toContain('IP address allocated to the pod');

    const [name, ready, status, restarts, age, ip, node, nominated, gates] = cellsOf(table, 'web')!;
    expect(name).toMatch(/^web-/);
    expect([ready, status, restarts, nominated, gates]).toEqual([
      '1/1',
      'Running',
      '0',
      '<none>',
      '<none>',
    ]);
    expect(age).toMatch(AGE);
    expect(ip).toMatch(/^10\.244\./);
    expect(node).toMatch(/^sandbox-node-\d$/);
    expect(cellsOf(table, 'crasher')!.slice(1, 3)).toEqual(['0/1', 'CrashLoopBackOff']);
    expect(cellsOf(table, 'ghost')!.slice(1, 3)).toEqual(['0/1', 'ImagePullBackOff']);

    // By default each row carries the object's metadata only.
    const row = (table.rows as Json[]).find((r) => r.cells[0] === name)!;
    expect(row.object).toMatchObject({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { name, namespace: 'default', labels: { app: 'web' } },
    });
    expect(row.object.spec).toBeUndefined();
  });

  it('prints Deployments and Services; a named object is a one-row Table of its version', async () => {
    const sandbox = await withDeployments({ web: 'nginx:1.27' }, 2);
    await sandbox.kc
      .makeApiClient(CoreV1Api)
      .createNamespacedService({ namespace: 'default', body: service });
    const deployments = await waitFor(
      async () => {
        const { body } = await getJson(sandbox, DEPLOYMENTS);
        return cellsOf(body, 'web')?.[1] === '2/2' && body;
      },
      { what: 'the rollout' },
    );
    expect(columnsOf(deployments)).toEqual([
      ['Name', 0],
      ['Ready', 0],
      ['Up-to-date', 0],
      ['Available', 0],
      ['Age', 0],
      ['Containers', 1],
      ['Images', 1],
      ['Selector', 1],
    ]);
    const [name, ready, upToDate, available, age, ...wide] = cellsOf(deployments, 'web')!;
    expect([name, ready, upToDate, available]).toEqual(['web', '2/2', 2, 2]);
    expect(age).toMatch(AGE);
    expect(wide).toEqual(['web', 'nginx:1.27', 'app=web']);

    const one = await getJson(sandbox, `${DEPLOYMENTS}/web`);
    expect(one.contentType).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
    const stored = (await getJson(sandbox, `${DEPLOYMENTS}/web`, 'application/json')).body;
    expect(one.body.metadata).toEqual({ resourceVersion: stored.metadata.resourceVersion });
    expect(one.body.rows).toHaveLength(1);
    expect(one.body.rows[0].cells.slice(0, 4)).toEqual(['web', '2/2', 2, 2]);

    const services = (await getJson(sandbox, '/api/v1/namespaces/default/services')).body;
    expect(columnsOf(services).map(([column]) => column)).toEqual([
      'Name',
      'Type',
      'Cluster-IP',
      'External-IP',
      'Port(s)',
      'Age',
      'Selector',
    ]);
    const [, type, clusterIp, externalIp, ports, , selector] = cellsOf(services, 'web')!;
    expect([type, externalIp, ports, selector]).toEqual([
      'ClusterIP',
      '<none>',
      '80/TCP',
      'app=web',
    ]);
    expect(clusterIp).toMatch(/^10\.96\./);
  });

  it('rows carry the whole object with includeObject=Object, nothing with None; other Accepts get the list', async () => {
    const sandbox = await withDeployments({ web: 'nginx:1.27' });
    await waitFor(async () => (await getJson(sandbox, PODS)).body.rows.length === 1, {
      what: 'a pod',
    });
    const whole = (await getJson(sandbox, `${PODS}?includeObject=Object`)).body;
    expect(whole.rows[0].object).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    expect(whole.rows[0].object.spec.containers[0].image).toBe('nginx:1.27');
    const none = (await getJson(sandbox, `${PODS}?includeObject=None`)).body;
    expect(none.rows[0].object).toBeNull();
    const wrong = await getJson(sandbox, `${PODS}?includeObject=Everything`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toBe('unrecognized includeObject value: "Everything"');

    const beta = await getJson(sandbox, PODS, 'application/json;as=Table;v=v1beta1;g=meta.k8s.io');
    expect(beta.contentType).toBe('application/json;as=Table;v=v1beta1;g=meta.k8s.io');
    expect(beta.body.apiVersion).toBe('meta.k8s.io/v1beta1');
    expect(beta.body.rows[0].object.apiVersion).toBe('meta.k8s.io/v1beta1');

    for (const accept of ['application/json', 'application/json;as=Table;v=v9;g=meta.k8s.io']) {
      const plain = await getJson(sandbox, PODS, accept);
      expect(plain.contentType).toBe('application/json');
      expect(plain.body).toMatchObject({ kind: 'PodList', apiVersion: 'v1' });
    }
    const unasked = await sandbox.request(PODS);
    expect(((await unasked.json()) as Json).kind).toBe('PodList');
  });

  it('a watch asking for Tables streams one-row Tables, with the columns in the first only', async () => {
    const sandbox = await startTestSandbox();
    const core = sandbox.kc.makeApiClient(CoreV1Api);
    const path = '/api/v1/namespaces/default/configmaps';
    const start = (await getJson(sandbox, path)).body.metadata.resourceVersion as string;
    const abort = new AbortController();
    const response = await sandbox.request(`${path}?watch=true&resourceVersion=${start}`, {
      headers: { accept: TABLE_ACCEPT },
      signal: abort.signal,
    });
    const events: Json[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of response.body!) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        events.push(...lines.filter(Boolean).map((line) => JSON.parse(line) as Json));
      }
    })().catch(() => {});
    for (const name of ['a', 'b']) {
      await core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name }, data: { one: '1', two: '2' } },
      });
    }
    await waitFor(() => events.length === 2, { what: 'two events' });
    abort.abort();
    await reading;
    const [first, second] = events.map((event) => event.object as Json);
    expect(events.map((event) => event.type)).toEqual(['ADDED', 'ADDED']);
    expect(first).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(columnsOf(first!)).toEqual([
      ['Name', 0],
      ['Data', 0],
      ['Age', 0],
    ]);
    expect(first!.rows).toHaveLength(1);
    expect(first!.rows[0].cells.slice(0, 2)).toEqual(['a', 2]);
    expect(second!.columnDefinitions).toEqual([]);
    expect(second!.rows[0].cells.slice(0, 2)).toEqual(['b', 2]);
    expect(second!.metadata.resourceVersion).toBe(second!.rows[0].object.metadata.resourceVersion);
  });
});

/** Splits kubectl's table output into lines of whitespace-separated words. */
const wordsOf = (output: string): string[][] =>
  output
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/));

describe.skipIf(!hasKubectl)('kubectl get against the sandbox', () => {
  it('get pods and get deploy -o wide print the columns kubectl shows on a real cluster', async () => {
    const sandbox = await withDeployments({ web: 'nginx:1.27', crasher: 'example/crash:1' }, 2);
    const target: KubectlTarget = {
      kubeconfigPath: sandbox.kubeconfigPath,
      cacheDir: await tempDir('weft-kubectl-cache-'),
    };
    await kubectl(target, 'rollout', 'status', 'deploy/web', '--timeout=30s');
    const pods = await waitFor(
      async () => {
        const output = await kubectl(target, 'get', 'pods');
        return output.includes('CrashLoopBackOff') && output;
      },
      { what: 'the crashing pods' },
    );
    const [header, ...rows] = wordsOf(pods);
    expect(header).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    const web = rows.filter((row) => row[0]!.startsWith('web-'));
    expect(web).toHaveLength(2);
    for (const row of web) expect(row.slice(1, 4)).toEqual(['1/1', 'Running', '0']);
    const crashing = rows.find((row) => row[0]!.startsWith('crasher-'))!;
    expect(crashing.slice(1, 3)).toEqual(['0/1', 'CrashLoopBackOff']);

    const [wideHeader, ...deployments] = wordsOf(
      await kubectl(target, 'get', 'deploy', '-o', 'wide'),
    );
    expect(wideHeader).toEqual([
      'NAME',
      'READY',
      'UP-TO-DATE',
      'AVAILABLE',
      'AGE',
      'CONTAINERS',
      'IMAGES',
      'SELECTOR',
    ]);
    const row = deployments.find((words) => words[0] === 'web')!;
    expect(row.slice(0, 4)).toEqual(['web', '2/2', '2', '2']);
    expect(row[4]).toMatch(AGE);
    expect(row.slice(5)).toEqual(['web', 'nginx:1.27', 'app=web']);

    const nodes = wordsOf(await kubectl(target, 'get', 'nodes'));
    expect(nodes[0]).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(nodes[1]!.slice(1, 3)).toEqual(['Ready', '<none>']);
  });
});
