/**
 * The sandbox's Kubernetes API through `@kubernetes/client-node` over HTTP: discovery, CRUD with
 * optimistic concurrency, list options, subresources, dry-run, finalizers, persistence and the
 * `Status` errors clients branch on.
 */
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  VersionApi,
  type V1ConfigMap,
  type V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { deploymentManifest } from '../helpers/kubeManifests.js';
import { failedStatus as statusOf } from '../helpers/kubeStatus.js';
import { startTestSandbox } from '../helpers/sandbox.js';

const configMap = (name: string, labels: Record<string, string> = {}): V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data: { greeting: 'hello' },
});

describe('sandbox API', () => {
  it('answers discovery: version, nodes, and kinds of named groups', async () => {
    const { kc } = await startTestSandbox();
    const version = await kc.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toMatch(/^v1\.32\./);
    const nodes = await kc.makeApiClient(CoreV1Api).listNode();
    expect(nodes.items.map((node) => node.metadata?.name)).toHaveLength(3);
    // KubernetesObjectApi finds a kind's plural and scope in /apis/<group>/<version>.
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const created = await objects.create(deploymentManifest('web', { sidecar: true }));
    expect(created.metadata?.uid).toBeTruthy();
    const read = await objects.read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
    });
    expect(read.metadata?.generation).toBe(1);
  });

  it('creates with defaults and server-set metadata, and refuses a second object of one name', async () => {
    const apps = (await startTestSandbox()).kc.makeApiClient(AppsV1Api);
    const created = await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deploymentManifest('web', { sidecar: true }),
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.spec?.strategy?.type).toBe('RollingUpdate');
    expect(created.spec?.template.spec?.containers[0]?.imagePullPolicy).toBe('IfNotPresent');
    expect(created.spec?.template.spec?.containers[0]?.ports?.[0]?.protocol).toBe('TCP');
    const again = await statusOf(
      apps.createNamespacedDeployment({
        namespace: 'default',
        body: deploymentManifest('web', { sidecar: true }),
      }),
    );
    expect(again).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'deployments.apps "web" already exists',
    });
  });

  it('fills generateName with a random suffix', async () => {
    const core = (await startTestSandbox()).kc.makeApiClient(CoreV1Api);
    const body = { metadata: { generateName: 'settings-' }, data: {} };
    const first = await core.createNamespacedConfigMap({ namespace: 'default', body });
    const second = await core.createNamespacedConfigMap({ namespace: 'default', body });
    expect(first.metadata?.name).toMatch(/^settings-[a-z0-9]{5}$/);
    expect(second.metadata?.name).not.toBe(first.metadata?.name);
  });

  it('rejects an update based on a stale resourceVersion with 409 Conflict', async () => {
    const core = (await startTestSandbox()).kc.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap('app'),
    });
    const updated = await core.replaceNamespacedConfigMap({
      name: 'app',
      namespace: 'default',
      body: { ...created, data: { greeting: 'hi' } },
    });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
    const stale = await statusOf(
      core.replaceNamespacedConfigMap({
        name: 'app',
        namespace: 'default',
        body: { ...created, data: { greeting: 'late' } },
      }),
    );
    expect(stale.code).toBe(409);
    expect(stale.reason).toBe('Conflict');
    expect(stale.message).toContain('the object has been modified');
    const read = await core.readNamespacedConfigMap({ name: 'app', namespace: 'default' });
    expect(read.data).toEqual({ greeting: 'hi' });
  });

  it('answers bad requests with the status codes and reasons of a real API server', async () => {
    const { kc, request: raw } = await startTestSandbox();
    const core = kc.makeApiClient(CoreV1Api);
    const invalid = await statusOf(
      core.createNamespacedConfigMap({ namespace: 'default', body: configMap('Not_Valid') }),
    );
    expect(invalid.code).toBe(422);
    expect(invalid.reason).toBe('Invalid');
    expect(invalid.message).toMatch(
      /^ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value/,
    );
    expect(
      await statusOf(
        core.createNamespacedConfigMap({ namespace: 'nowhere', body: configMap('a') }),
      ),
    ).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'namespaces "nowhere" not found',
    });
    expect(
      (await statusOf(core.readNamespacedConfigMap({ name: 'missing', namespace: 'default' })))
        .message,
    ).toBe('configmaps "missing" not found');

    const wrongToken = await raw('/api/v1/namespaces', { token: 'wrong' });
    expect(wrongToken.status).toBe(401);
    expect(await wrongToken.json()).toMatchObject({
      kind: 'Status',
      reason: 'Unauthorized',
      code: 401,
    });
    expect((await raw('/api/v1/namespaces', { token: null })).status).toBe(401);

    const unknownKind = await raw('/apis/apps/v1/namespaces/default/gadgets');
    expect(unknownKind.status).toBe(404);
    expect(await unknownKind.json()).toMatchObject({
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
    });
    expect((await raw('/apis/nothing.example.com/v1')).status).toBe(404);

    const malformed = await raw('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"metadata": {',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      code: 400,
    });

    const wrongKind = await raw('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }),
    });
    expect(wrongKind.status).toBe(400);

    const notJson = await raw('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      body: 'hello',
    });
    expect(notJson.status).toBe(415);
    expect((await raw('/api/v1/namespaces/default/configmaps/a%ZZ')).status).toBe(400);
    expect((await raw('/api/v1/namespaces', { method: 'OPTIONS' })).status).toBe(405);
    // Last: refused before its body was read, this request leaves its connection closed.
    const tooLarge = await raw('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        metadata: { name: 'big' },
        data: { blob: 'x'.repeat(4 * 1024 * 1024) },
      }),
    });
    expect(tooLarge.status).toBe(413);
    // None of it changed what is stored.
    expect((await core.listNamespacedConfigMap({ namespace: 'default' })).items).toHaveLength(0);
  });

  it('lists with label selectors, field selectors and pages', async () => {
    const core = (await startTestSandbox()).kc.makeApiClient(CoreV1Api);
    const tiers = ['web', 'web', 'db', 'cache', 'db'];
    for (const [index, tier] of tiers.entries()) {
      await core.createNamespacedConfigMap({
        namespace: 'default',
        body: configMap(`cm-${index}`, { tier }),
      });
    }
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('unlabelled') });
    const names = async (options: { labelSelector?: string; fieldSelector?: string }) =>
      (await core.listNamespacedConfigMap({ namespace: 'default', ...options })).items.map(
        (item) => item.metadata?.name,
      );

    expect(await names({ labelSelector: 'tier=web' })).toEqual(['cm-0', 'cm-1']);
    expect(await names({ labelSelector: 'tier!=web' })).toEqual([
      'cm-2',
      'cm-3',
      'cm-4',
      'unlabelled',
    ]);
    expect(await names({ labelSelector: 'tier in (db,cache)' })).toEqual(['cm-2', 'cm-3', 'cm-4']);
    expect(await names({ labelSelector: 'tier notin (db,cache)' })).toEqual([
      'cm-0',
      'cm-1',
      'unlabelled',
    ]);
    expect(await names({ labelSelector: 'tier' })).toHaveLength(5);
    expect(await names({ labelSelector: '!tier' })).toEqual(['unlabelled']);
    expect(await names({ fieldSelector: 'metadata.name=cm-3' })).toEqual(['cm-3']);
    expect((await statusOf(names({ fieldSelector: 'spec.color=red' }))).code).toBe(400);
    expect((await statusOf(names({ labelSelector: 'tier in (db' }))).code).toBe(400);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedConfigMap({
        namespace: 'default',
        limit: 4,
        _continue: token,
      });
      seen.push(...page.items.map((item) => item.metadata!.name!));
      token = page.metadata?._continue;
      if (token) expect(page.metadata?.remainingItemCount).toBe(2);
      pages += 1;
    } while (token);
    expect(pages).toBe(2);
    expect(seen).toEqual(['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4', 'unlabelled']);
    expect(
      (await statusOf(core.listNamespacedConfigMap({ namespace: 'default', _continue: 'garbage' })))
        .code,
    ).toBe(400);
  });

  it('patches with JSON patch and merge patch', async () => {
    const { kc } = await startTestSandbox();
    const objects = KubernetesObjectApi.makeApiClient(kc);
    await objects.create({ ...configMap('app'), metadata: { name: 'app', namespace: 'default' } });
    const ref = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app', namespace: 'default' },
    };
    const merged = await objects.patch<V1ConfigMap>(
      { ...ref, data: { colour: 'blue' } },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    expect(merged.data).toEqual({ greeting: 'hello', colour: 'blue' });
    const core = kc.makeApiClient(CoreV1Api);
    const patched = await core.patchNamespacedConfigMap({
      name: 'app',
      namespace: 'default',
      body: [{ op: 'remove', path: '/data/greeting' }],
    });
    expect(patched.data).toEqual({ colour: 'blue' });
    const failedTest = await statusOf(
      core.patchNamespacedConfigMap({
        name: 'app',
        namespace: 'default',
        body: [{ op: 'test', path: '/data/colour', value: 'red' }],
      }),
    );
    expect(failedTest.code).toBe(422);
  });

  it('merges a strategic merge patch into containers by name', async () => {
    const { kc } = await startTestSandbox();
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deploymentManifest('web', { sidecar: true }),
    });
    const patched = await apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: 'default',
        body: {
          spec: {
            template: {
              spec: {
                containers: [
                  { name: 'sidecar', image: 'busybox:1.37', env: [{ name: 'A', value: '1' }] },
                ],
              },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const containers = patched.spec?.template.spec?.containers ?? [];
    expect(containers.map((container) => [container.name, container.image])).toEqual([
      ['web', 'nginx:1.27'],
      ['sidecar', 'busybox:1.37'],
    ]);
    expect(containers[1]?.env).toEqual([{ name: 'A', value: '1' }]);
    expect(patched.metadata?.generation).toBe(2);
  });

  it('keeps status and spec apart: the main resource, the status subresource and generation', async () => {
    // HorizontalPodAutoscalers have a status subresource and no sandbox controller writing it.
    const autoscaling = (await startTestSandbox()).kc.makeApiClient(AutoscalingV2Api);
    const hpa: V2HorizontalPodAutoscaler = {
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 5,
      },
      status: { currentReplicas: 99, desiredReplicas: 99 },
    };
    const created = await autoscaling.createNamespacedHorizontalPodAutoscaler({
      namespace: 'default',
      body: hpa,
    });
    expect(created.status?.currentReplicas).toBeUndefined();
    const withStatus = await autoscaling.replaceNamespacedHorizontalPodAutoscalerStatus({
      name: 'web',
      namespace: 'default',
      body: {
        ...created,
        spec: { ...created.spec!, maxReplicas: 9 },
        status: { currentReplicas: 2, desiredReplicas: 3 },
      },
    });
    expect(withStatus.status?.desiredReplicas).toBe(3);
    expect(withStatus.spec?.maxReplicas).toBe(5);
    expect(withStatus.metadata?.generation).toBe(1);
    const labelled = await autoscaling.replaceNamespacedHorizontalPodAutoscaler({
      name: 'web',
      namespace: 'default',
      body: {
        ...withStatus,
        metadata: { ...withStatus.metadata, labels: { team: 'a' } },
        status: { desiredReplicas: 0 },
      },
    });
    expect(labelled.metadata?.generation).toBe(1);
    expect(labelled.status?.desiredReplicas).toBe(3);
    const widened = await autoscaling.replaceNamespacedHorizontalPodAutoscaler({
      name: 'web',
      namespace: 'default',
      body: { ...labelled, spec: { ...labelled.spec!, maxReplicas: 7 } },
    });
    expect(widened.metadata?.generation).toBe(2);
  });

  it('reads and writes the scale subresource', async () => {
    const apps = (await startTestSandbox()).kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deploymentManifest('web'),
    });
    const scale = await apps.readNamespacedDeploymentScale({ name: 'web', namespace: 'default' });
    expect(scale.spec?.replicas).toBe(2);
    expect(scale.status?.selector).toBe('app=web');
    await apps.replaceNamespacedDeploymentScale({
      name: 'web',
      namespace: 'default',
      // No resourceVersion: the deployment controller writes the Deployment meanwhile.
      body: {
        ...scale,
        metadata: { ...scale.metadata, resourceVersion: undefined },
        spec: { replicas: 5 },
      },
    });
    expect(
      (await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' })).spec?.replicas,
    ).toBe(5);
    const stale = await statusOf(
      apps.replaceNamespacedDeploymentScale({
        name: 'web',
        namespace: 'default',
        body: { ...scale, spec: { replicas: 1 } },
      }),
    );
    expect(stale.code).toBe(409);
  });

  it('writes nothing on dryRun=All', async () => {
    const core = (await startTestSandbox()).kc.makeApiClient(CoreV1Api);
    const answered = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap('dry'),
      dryRun: 'All',
    });
    expect(answered.metadata?.name).toBe('dry');
    expect(
      (await statusOf(core.readNamespacedConfigMap({ name: 'dry', namespace: 'default' }))).code,
    ).toBe(404);
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('real') });
    await core.deleteNamespacedConfigMap({ name: 'real', namespace: 'default', dryRun: 'All' });
    await core.patchNamespacedConfigMap({
      name: 'real',
      namespace: 'default',
      dryRun: 'All',
      body: [{ op: 'add', path: '/data/x', value: 'y' }],
    });
    const kept = await core.readNamespacedConfigMap({ name: 'real', namespace: 'default' });
    expect(kept.data).toEqual({ greeting: 'hello' });
    expect(
      (
        await statusOf(
          core.createNamespacedConfigMap({
            namespace: 'default',
            body: configMap('x'),
            dryRun: 'Some',
          }),
        )
      ).code,
    ).toBe(400);
  });

  it('deletes a collection by label selector, and leaves it be on dryRun=All', async () => {
    const core = (await startTestSandbox()).kc.makeApiClient(CoreV1Api);
    for (const [name, tier] of [
      ['a', 'web'],
      ['b', 'web'],
      ['c', 'db'],
    ] as const) {
      await core.createNamespacedConfigMap({
        namespace: 'default',
        body: configMap(name, { tier }),
      });
    }
    const names = async () =>
      (await core.listNamespacedConfigMap({ namespace: 'default' })).items.map(
        (item) => item.metadata?.name,
      );
    await core.deleteCollectionNamespacedConfigMap({
      namespace: 'default',
      labelSelector: 'tier=web',
      dryRun: 'All',
    });
    expect(await names()).toEqual(['a', 'b', 'c']);
    await core.deleteCollectionNamespacedConfigMap({
      namespace: 'default',
      labelSelector: 'tier=web',
    });
    expect(await names()).toEqual(['c']);
    const kept = await core.readNamespacedConfigMap({ name: 'c', namespace: 'default' });
    await core.replaceNamespacedConfigMap({
      name: 'c',
      namespace: 'default',
      dryRun: 'All',
      body: { ...kept, data: { greeting: 'dry' } },
    });
    expect((await core.readNamespacedConfigMap({ name: 'c', namespace: 'default' })).data).toEqual({
      greeting: 'hello',
    });
  });

  it('holds a deletion back until its finalizers are removed', async () => {
    const core = (await startTestSandbox()).kc.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { ...configMap('held'), metadata: { name: 'held', finalizers: ['example.com/keep'] } },
    });
    await core.deleteNamespacedConfigMap({ name: 'held', namespace: 'default' });
    const marked = await core.readNamespacedConfigMap({ name: 'held', namespace: 'default' });
    expect(marked.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    await core.patchNamespacedConfigMap({
      name: 'held',
      namespace: 'default',
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
    });
    expect(
      (await statusOf(core.readNamespacedConfigMap({ name: 'held', namespace: 'default' }))).code,
    ).toBe(404);
  });

  it('keeps objects and the revision counter across a restart, and forgets them on reset', async () => {
    const first = await startTestSandbox();
    const core = first.kc.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap('kept'),
    });
    await first.close();

    const second = await startTestSandbox({ data: first.data });
    const again = second.kc.makeApiClient(CoreV1Api);
    expect(
      (await again.readNamespacedConfigMap({ name: 'kept', namespace: 'default' })).metadata?.uid,
    ).toBe(created.metadata?.uid);
    const next = await again.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap('next'),
    });
    expect(Number(next.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
    await second.close();

    const reset = await startTestSandbox({ data: first.data, reset: true });
    const fresh = reset.kc.makeApiClient(CoreV1Api);
    expect((await fresh.listNamespacedConfigMap({ namespace: 'default' })).items).toHaveLength(0);
    expect((await fresh.listNode()).items).toHaveLength(3);
  });
});
