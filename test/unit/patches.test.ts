/**
 * The sandbox's PATCH formats: RFC 6902 JSON patch, RFC 7386 merge patch and Kubernetes' strategic
 * merge patch, with the status kube-apiserver answers for patches that cannot apply.
 */
import { describe, expect, it } from 'vitest';
import { PATCH_REJECTED, PatchError } from '../../server/sandbox/patchError.js';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
} from '../../server/sandbox/patches.js';
import { listStrategyAt, orderMergedItems } from '../../server/sandbox/strategicMerge.js';

type Json = Record<string, unknown>;

/** The `PatchError` `run` throws; fails the test if it throws nothing or something else. */
function patchErrorOf(run: () => unknown): PatchError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PatchError);
    return error as PatchError;
  }
  throw new Error('expected a PatchError, but the patch applied');
}

const deployment = (): Json => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'default',
    labels: { app: 'web', tier: 'front' },
    finalizers: ['example.com/a', 'example.com/b'],
  },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'web:1',
            args: ['--port', '8080'],
            ports: [
              { containerPort: 8080, name: 'http' },
              { containerPort: 9090, name: 'metrics' },
            ],
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
            volumeMounts: [{ name: 'config', mountPath: '/etc/web' }],
          },
          { name: 'sidecar', image: 'proxy:1' },
        ],
        volumes: [
          { name: 'config', configMap: { name: 'web-config' } },
          { name: 'cache', emptyDir: {} },
        ],
        tolerations: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }],
      },
    },
  },
});

const service = (): Json => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: {
    selector: { app: 'web' },
    ports: [
      { name: 'http', port: 80, targetPort: 8080 },
      { name: 'https', port: 443, targetPort: 8443 },
    ],
  },
});

/** The pod spec of a patched Deployment. */
const podSpecOf = (object: unknown): Json =>
  ((object as Json).spec as Json & { template: { spec: Json } }).template.spec;

const containersOf = (object: unknown) => podSpecOf(object).containers as Json[];

const podSpecPatch = (spec: Json): Json => ({ spec: { template: { spec } } });

describe('JSON patch', () => {
  const target = { metadata: { name: 'web', labels: { app: 'web' } }, items: ['a', 'b'] };

  it('add sets a field, inserts into a list, and appends with "-"', () => {
    const patched = applyJsonPatch(target, [
      { op: 'add', path: '/metadata/labels/tier', value: 'front' },
      { op: 'add', path: '/items/1', value: 'x' },
      { op: 'add', path: '/items/-', value: 'z' },
    ]);
    expect(patched).toEqual({
      metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
      items: ['a', 'x', 'b', 'z'],
    });
  });

  it('remove deletes a field and a list item', () => {
    const patched = applyJsonPatch(target, [
      { op: 'remove', path: '/metadata/labels/app' },
      { op: 'remove', path: '/items/0' },
    ]);
    expect(patched).toEqual({ metadata: { name: 'web', labels: {} }, items: ['b'] });
  });

  it('replace changes an existing value and can replace the whole document', () => {
    expect(applyJsonPatch(target, [{ op: 'replace', path: '/items/1', value: 'B' }])).toEqual({
      ...target,
      items: ['a', 'B'],
    });
    expect(applyJsonPatch(target, [{ op: 'replace', path: '', value: { x: 1 } }])).toEqual({
      x: 1,
    });
  });

  it('move and copy take the value from "from"', () => {
    expect(
      applyJsonPatch(target, [{ op: 'move', from: '/metadata/labels', path: '/labels' }]),
    ).toEqual({ metadata: { name: 'web' }, items: ['a', 'b'], labels: { app: 'web' } });
    expect(applyJsonPatch(target, [{ op: 'copy', from: '/items/0', path: '/items/-' }])).toEqual({
      ...target,
      items: ['a', 'b', 'a'],
    });
  });

  it('test passes on an equal value and lets the following operations apply', () => {
    const patched = applyJsonPatch(target, [
      { op: 'test', path: '/metadata/labels', value: { app: 'web' } },
      { op: 'replace', path: '/metadata/name', value: 'api' },
    ]);
    expect((patched as typeof target).metadata.name).toBe('api');
  });

  it('pointers unescape ~1 to "/" and ~0 to "~"', () => {
    const annotated = { metadata: { annotations: { 'example.com/owner': 'a', 'x~y': 'b' } } };
    const patched = applyJsonPatch(annotated, [
      { op: 'replace', path: '/metadata/annotations/example.com~1owner', value: 'c' },
      { op: 'remove', path: '/metadata/annotations/x~0y' },
    ]);
    expect(patched).toEqual({ metadata: { annotations: { 'example.com/owner': 'c' } } });
  });

  it('a failing test is a 422 Invalid with kube-apiserver message, and nothing applies', () => {
    const error = patchErrorOf(() =>
      applyJsonPatch(target, [
        { op: 'replace', path: '/metadata/name', value: 'api' },
        { op: 'test', path: '/items/0', value: 'nope' },
      ]),
    );
    expect(error).toMatchObject({ code: 422, reason: 'Invalid', message: PATCH_REJECTED });
    expect(error.detail).toBe('testing value /items/0 failed');
    expect(target.metadata.name).toBe('web');
  });

  it.each([
    ['remove of a missing field', { op: 'remove', path: '/metadata/namespace' }],
    ['replace of a missing field', { op: 'replace', path: '/spec/replicas', value: 1 }],
    ['add under a missing parent', { op: 'add', path: '/spec/replicas', value: 1 }],
    ['add past the end of a list', { op: 'add', path: '/items/5', value: 'x' }],
    ['move from a missing field', { op: 'move', from: '/nope', path: '/x' }],
    ['copy from a missing field', { op: 'copy', from: '/nope', path: '/x' }],
  ])('%s is a 422 Invalid', (_, operation) => {
    const error = patchErrorOf(() => applyJsonPatch(target, [operation]));
    expect(error).toMatchObject({ code: 422, reason: 'Invalid', message: PATCH_REJECTED });
    expect(error.detail).toMatch(/missing path|out of bounds/);
  });

  it('an unknown op is a 422 Invalid, as kube-apiserver only notices it when applying', () => {
    const error = patchErrorOf(() => applyJsonPatch(target, [{ op: 'frobnicate', path: '/x' }]));
    expect(error).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(error.detail).toBe('Unexpected kind: frobnicate');
  });

  it('a body that is not an array of operations is a 400 BadRequest', () => {
    expect(patchErrorOf(() => applyJsonPatch(target, { op: 'add' }))).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    });
    expect(patchErrorOf(() => applyJsonPatch(target, ['add']))).toMatchObject({
      code: 400,
      message: 'json: cannot unmarshal string into Go value of type jsonpatch.Operation',
    });
  });

  it('a field missing from an existing object tests equal to null, as in kube-apiserver', () => {
    expect(applyJsonPatch(target, [{ op: 'test', path: '/metadata/uid', value: null }])).toEqual(
      target,
    );
  });

  it('never changes the target or shares values with the patch', () => {
    const before = structuredClone(target);
    const value = { nested: ['v'] };
    const patched = applyJsonPatch(target, [{ op: 'add', path: '/extra', value }]) as Json;
    expect(target).toEqual(before);
    (patched.extra as typeof value).nested.push('changed');
    expect(value).toEqual({ nested: ['v'] });
  });
});

describe('merge patch', () => {
  it('null deletes a field and objects merge recursively', () => {
    const patched = applyMergePatch(deployment(), {
      metadata: { labels: { tier: null, track: 'canary' }, annotations: { note: 'x' } },
      spec: { replicas: 5 },
    }) as Json;
    expect(patched.metadata).toMatchObject({
      labels: { app: 'web', track: 'canary' },
      annotations: { note: 'x' },
    });
    expect((patched.metadata as Json).labels).not.toHaveProperty('tier');
    expect(patched.spec).toMatchObject({ replicas: 5, selector: { matchLabels: { app: 'web' } } });
  });

  it('lists replace whole, containers included', () => {
    const patched = applyMergePatch(deployment(), podSpecPatch({ containers: [{ name: 'web' }] }));
    expect(containersOf(patched)).toEqual([{ name: 'web' }]);
  });

  it('nulls inside a new object are dropped', () => {
    const patched = applyMergePatch({ a: 1 }, { b: { c: null, d: 1 } });
    expect(patched).toEqual({ a: 1, b: { d: 1 } });
  });

  it('a patch that is not an object is a 400 BadRequest', () => {
    expect(patchErrorOf(() => applyMergePatch({ a: 1 }, [1]))).toMatchObject({
      code: 400,
      reason: 'BadRequest',
    });
    expect(patchErrorOf(() => applyMergePatch({ a: 1 }, null)).code).toBe(400);
  });

  it('a __proto__ key is stored as data, not as the prototype', () => {
    const patched = applyMergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as Json;
    expect(Object.hasOwn(patched, '__proto__')).toBe(true);
    expect(({} as Json).polluted).toBeUndefined();
  });

  it('never changes the target or the patch', () => {
    const target = deployment();
    const patch = { metadata: { labels: { tier: null } }, spec: { replicas: 1 } };
    const [targetBefore, patchBefore] = [structuredClone(target), structuredClone(patch)];
    applyMergePatch(target, patch);
    expect(target).toEqual(targetBefore);
    expect(patch).toEqual(patchBefore);
  });
});

describe('strategic merge patch on a Deployment', () => {
  it("changing one container's image by name keeps the other containers", () => {
    const patched = applyStrategicMergePatch(
      deployment(),
      podSpecPatch({ containers: [{ name: 'sidecar', image: 'proxy:2' }] }),
    );
    expect(containersOf(patched).map((c) => [c.name, c.image])).toEqual([
      ['web', 'web:1'],
      ['sidecar', 'proxy:2'],
    ]);
    expect(containersOf(patched)[0]).toEqual(containersOf(deployment())[0]);
  });

  const envAfter = (env: Json[]) =>
    containersOf(
      applyStrategicMergePatch(deployment(), podSpecPatch({ containers: [{ name: 'web', env }] })),
    )[0]!.env;

  it('adding an env var keeps the existing ones, the new one going first as in a cluster', () => {
    expect(envAfter([{ name: 'C', value: '3' }])).toEqual([
      { name: 'C', value: '3' },
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
  });

  it('updating an env var keeps its place and its neighbours', () => {
    expect(envAfter([{ name: 'B', value: 'two' }])).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'two' },
    ]);
  });

  it('merged items follow the patch order, stored-only ones fitting in as kube-apiserver does', () => {
    // B cannot be compared with the new C, so C, the patch's item, goes first.
    expect(
      envAfter([
        { name: 'A', value: 'one' },
        { name: 'C', value: '3' },
      ]),
    ).toEqual([
      { name: 'A', value: 'one' },
      { name: 'C', value: '3' },
      { name: 'B', value: '2' },
    ]);
  });

  it('a patch that only adds a container puts it first, as kube-apiserver does', () => {
    const patched = applyStrategicMergePatch(
      deployment(),
      podSpecPatch({ containers: [{ name: 'debug', image: 'busybox' }] }),
    );
    expect(containersOf(patched).map((c) => c.name)).toEqual(['debug', 'web', 'sidecar']);
  });

  it('$patch: delete removes a container by name', () => {
    const patched = applyStrategicMergePatch(
      deployment(),
      podSpecPatch({ containers: [{ name: 'sidecar', $patch: 'delete' }] }),
    );
    expect(containersOf(patched).map((c) => c.name)).toEqual(['web']);
  });

  it('$patch: replace on a list replaces it with the other items', () => {
    const patched = applyStrategicMergePatch(
      deployment(),
      podSpecPatch({ volumes: [{ $patch: 'replace' }, { name: 'data', emptyDir: {} }] }),
    );
    expect(podSpecOf(patched).volumes).toEqual([{ name: 'data', emptyDir: {} }]);
  });

  it('$patch: replace on a map replaces the map', () => {
    const patched = applyStrategicMergePatch(deployment(), {
      metadata: { labels: { $patch: 'replace', owner: 'me' } },
    }) as Json;
    expect((patched.metadata as Json).labels).toEqual({ owner: 'me' });
  });

  it('$patch: delete on a map empties it, as kube-apiserver does', () => {
    const patched = applyStrategicMergePatch(deployment(), {
      metadata: { labels: { $patch: 'delete' } },
    }) as Json;
    expect((patched.metadata as Json).labels).toEqual({});
  });

  it('$patch: delete on a map the object lacks leaves it out', () => {
    const patched = applyStrategicMergePatch(deployment(), {
      metadata: { annotations: { $patch: 'delete' } },
    }) as Json;
    expect(patched.metadata).not.toHaveProperty('annotations');
  });

  it('$patch: merge is the default and changes nothing about merging', () => {
    const patched = applyStrategicMergePatch(deployment(), {
      metadata: { labels: { $patch: 'merge', owner: 'me' } },
    }) as Json;
    expect((patched.metadata as Json).labels).toEqual({ app: 'web', tier: 'front', owner: 'me' });
  });

  it('$setElementOrder orders the merged list, stored-only items keeping their place', () => {
    const patched = applyStrategicMergePatch(
      deployment(),
      podSpecPatch({
        '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }],
        containers: [{ name: 'web', image: 'web:2' }],
      }),
    );
    expect(containersOf(patched).map((c) => [c.name, c.image])).toEqual([
      ['sidecar', 'proxy:1'],
      ['web', 'web:2'],
    ]);
  });

  it('$setElementOrder places new items where it says (kubectl apply adding a container)', () => {
    const patched = applyStrategicMergePatch(
      deployment(),
      podSpecPatch({
        '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }, { name: 'debug' }],
        containers: [{ name: 'debug', image: 'busybox' }],
      }),
    );
    expect(containersOf(patched).map((c) => c.name)).toEqual(['web', 'sidecar', 'debug']);
  });

  it('$setElementOrder puts a new item after a server-only one that fills a deleted place', () => {
    // kubectl apply replacing `web` with `debug` while the cluster added `mesh` on its own.
    const target = deployment();
    podSpecOf(target).containers = [{ name: 'web' }, { name: 'sidecar' }, { name: 'mesh' }];
    const patched = applyStrategicMergePatch(
      target,
      podSpecPatch({
        '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'debug' }],
        containers: [{ name: 'debug' }, { name: 'web', $patch: 'delete' }],
      }),
    );
    expect(containersOf(patched).map((c) => c.name)).toEqual(['sidecar', 'mesh', 'debug']);
  });

  it('$setElementOrder alone reorders the stored list without merging it', () => {
    const patched = applyStrategicMergePatch(deployment(), {
      metadata: { '$setElementOrder/finalizers': ['example.com/b', 'example.com/a'] },
    }) as Json;
    expect((patched.metadata as Json).finalizers).toEqual(['example.com/b', 'example.com/a']);
  });

  it('$setElementOrder that contradicts the patch list is a 400 BadRequest', () => {
    const error = patchErrorOf(() =>
      applyStrategicMergePatch(
        deployment(),
        podSpecPatch({
          '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
          containers: [{ name: 'sidecar' }, { name: 'web' }],
        }),
      ),
    );
    expect(error).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(error.message).toMatch(/doesn't match \$setElementOrder list/);
  });

  it('volumes merge by name', () => {
    const patched = applyStrategicMergePatch(
      deployment(),
      podSpecPatch({
        volumes: [
          { name: 'cache', emptyDir: { medium: 'Memory' } },
          { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
        ],
      }),
    );
    expect(podSpecOf(patched).volumes).toEqual([
      { name: 'config', configMap: { name: 'web-config' } },
      { name: 'cache', emptyDir: { medium: 'Memory' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
    ]);
  });

  it('$retainKeys clears the fields it does not list, as kubectl apply does for a volume source', () => {
    const patched = applyStrategicMergePatch(
      deployment(),
      podSpecPatch({
        volumes: [{ name: 'cache', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/tmp' } }],
      }),
    );
    expect(podSpecOf(patched).volumes).toContainEqual({
      name: 'cache',
      hostPath: { path: '/tmp' },
    });
  });

  it('$retainKeys on the Deployment strategy drops rollingUpdate when switching to Recreate', () => {
    const patched = applyStrategicMergePatch(deployment(), {
      spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } },
    }) as Json;
    expect((patched.spec as Json).strategy).toEqual({ type: 'Recreate' });
  });

  it('$retainKeys must list every field the patch sets, else 400 BadRequest', () => {
    const error = patchErrorOf(() =>
      applyStrategicMergePatch(deployment(), {
        spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: {} } },
      }),
    );
    expect(error).toMatchObject({ code: 400, message: 'invalid patch format of retainKeys' });
  });

  it('container ports merge by containerPort', () => {
    const patched = applyStrategicMergePatch(
      deployment(),
      podSpecPatch({
        containers: [
          {
            name: 'web',
            ports: [
              { containerPort: 9090, name: 'prom' },
              { containerPort: 7070, name: 'grpc' },
            ],
          },
        ],
      }),
    );
    expect(containersOf(patched)[0]!.ports).toEqual([
      { containerPort: 8080, name: 'http' },
      { containerPort: 9090, name: 'prom' },
      { containerPort: 7070, name: 'grpc' },
    ]);
  });

  it('lists without a merge key (args, tolerations) are replaced', () => {
    const patched = applyStrategicMergePatch(
      deployment(),
      podSpecPatch({
        containers: [{ name: 'web', args: ['--verbose'] }],
        tolerations: [{ key: 'spot', operator: 'Exists' }],
      }),
    );
    expect(containersOf(patched)[0]!.args).toEqual(['--verbose']);
    expect(podSpecOf(patched).tolerations).toEqual([{ key: 'spot', operator: 'Exists' }]);
  });

  it('finalizers merge as a set', () => {
    const patched = applyStrategicMergePatch(deployment(), {
      metadata: { finalizers: ['example.com/b', 'example.com/c'] },
    }) as Json;
    expect((patched.metadata as Json).finalizers).toEqual([
      'example.com/a',
      'example.com/b',
      'example.com/c',
    ]);
  });

  it('$deleteFromPrimitiveList removes values from a list of scalars', () => {
    const patched = applyStrategicMergePatch(deployment(), {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/a', 'example.com/x'] },
    }) as Json;
    expect((patched.metadata as Json).finalizers).toEqual(['example.com/b']);
  });

  it('$deleteFromPrimitiveList never creates the list it deletes from', () => {
    const patched = applyStrategicMergePatch(
      { metadata: { name: 'x' } },
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
    );
    expect(patched).toEqual({ metadata: { name: 'x' } });
  });

  it('null deletes a field and maps merge recursively', () => {
    const patched = applyStrategicMergePatch(deployment(), {
      metadata: { labels: { tier: null, track: 'canary' } },
      spec: { replicas: 3 },
    }) as Json;
    expect((patched.metadata as Json).labels).toEqual({ app: 'web', track: 'canary' });
    expect((patched.spec as Json).replicas).toBe(3);
    expect((patched.spec as Json).selector).toEqual({ matchLabels: { app: 'web' } });
  });

  it('an unknown $ directive is a 400 BadRequest', () => {
    const error = patchErrorOf(() =>
      applyStrategicMergePatch(deployment(), { metadata: { $frobnicate: true } }),
    );
    expect(error).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(error.message).toContain('$frobnicate');
  });

  it('an unknown $patch value is a 400 BadRequest', () => {
    const error = patchErrorOf(() =>
      applyStrategicMergePatch(
        deployment(),
        podSpecPatch({ containers: [{ name: 'web', $patch: 'x' }] }),
      ),
    );
    expect(error).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(error.message).toMatch(/^unknown patch type: x/);
  });

  it('a list item without its merge key is a 400 BadRequest', () => {
    const error = patchErrorOf(() =>
      applyStrategicMergePatch(deployment(), podSpecPatch({ containers: [{ image: 'x' }] })),
    );
    expect(error.code).toBe(400);
    expect(error.message).toMatch(/does not contain declared merge key: name/);
  });

  it('a patch that is not an object is a 400 BadRequest; null changes nothing', () => {
    expect(patchErrorOf(() => applyStrategicMergePatch(deployment(), [1])).code).toBe(400);
    expect(applyStrategicMergePatch(deployment(), null)).toEqual(deployment());
  });

  it('never changes the target or the patch, and shares nothing with them', () => {
    const target = deployment();
    const patch = podSpecPatch({
      '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
      containers: [{ name: 'web', env: [{ name: 'A', $patch: 'delete' }] }],
      volumes: [{ name: 'config', $patch: 'delete' }],
    });
    const [targetBefore, patchBefore] = [structuredClone(target), structuredClone(patch)];
    const patched = applyStrategicMergePatch(target, patch);
    expect(target).toEqual(targetBefore);
    expect(patch).toEqual(patchBefore);
    containersOf(patched)[1]!.image = 'changed';
    expect(containersOf(target)[1]!.image).toBe('proxy:1');
  });
});

describe('strategic merge patch on other kinds', () => {
  it('Service ports merge by port', () => {
    const patched = applyStrategicMergePatch(service(), {
      spec: {
        ports: [
          { port: 443, targetPort: 9443 },
          { name: 'admin', port: 8081, targetPort: 8081 },
        ],
      },
    }) as Json;
    expect((patched.spec as Json).ports).toEqual([
      { name: 'http', port: 80, targetPort: 8080 },
      { name: 'https', port: 443, targetPort: 9443 },
      { name: 'admin', port: 8081, targetPort: 8081 },
    ]);
  });

  it('status conditions merge by type', () => {
    const pod = {
      kind: 'Pod',
      status: {
        conditions: [
          { type: 'Ready', status: 'False' },
          { type: 'Initialized', status: 'True' },
        ],
      },
    };
    const patched = applyStrategicMergePatch(pod, {
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    }) as { status: { conditions: Json[] } };
    expect(patched.status.conditions).toEqual([
      { type: 'Ready', status: 'True' },
      { type: 'Initialized', status: 'True' },
    ]);
  });

  it('ownerReferences merge by uid', () => {
    const owned = { kind: 'ReplicaSet', metadata: { ownerReferences: [{ uid: '1', name: 'a' }] } };
    const patched = applyStrategicMergePatch(owned, {
      metadata: { ownerReferences: [{ uid: '2', name: 'b' }] },
    }) as { metadata: { ownerReferences: Json[] } };
    expect(patched.metadata.ownerReferences.map((ref) => ref.uid).sort()).toEqual(['1', '2']);
  });
});

describe('strategic merge list strategies', () => {
  it.each([
    [['spec', 'template', 'spec', 'containers'], 'Deployment', { type: 'keyed', key: 'name' }],
    [['spec', 'containers', 'ports'], 'Pod', { type: 'keyed', key: 'containerPort' }],
    [['spec', 'initContainers', 'env'], 'Pod', { type: 'keyed', key: 'name' }],
    [['spec', 'containers', 'volumeMounts'], 'Pod', { type: 'keyed', key: 'mountPath' }],
    [['spec', 'ports'], 'Service', { type: 'keyed', key: 'port' }],
    [['spec', 'ingress', 'ports'], 'NetworkPolicy', { type: 'replace' }],
    [['metadata', 'finalizers'], 'Pod', { type: 'set' }],
    [['spec', 'finalizers'], 'Namespace', { type: 'replace' }],
    [['spec', 'containers', 'args'], 'Pod', { type: 'replace' }],
    [['spec', 'constructor'], 'Pod', { type: 'replace' }],
  ])('%j in a %s is %j', (path, kind, strategy) => {
    expect(listStrategyAt(path, kind)).toEqual(strategy);
  });

  it('orders patched items by the patch, stored-only ones by the store, and new ones first', () => {
    const same = (key: string) => key;
    expect(orderMergedItems(['a', 'b', 'c'], same, ['b'], ['a', 'b', 'c'])).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(orderMergedItems(['a', 'b', 'c'], same, ['c', 'a'], ['a', 'b', 'c'])).toEqual([
      'b',
      'c',
      'a',
    ]);
    expect(orderMergedItems(['a', 'b', 'n'], same, ['b', 'n'], ['a', 'b'])).toEqual([
      'a',
      'b',
      'n',
    ]);
    expect(orderMergedItems(['a', 'b', 'n'], same, ['n'], ['a', 'b'])).toEqual(['n', 'a', 'b']);
  });
});
