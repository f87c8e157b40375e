/**
 * Operating the sandbox through the hub: actions, the activity list and pod logs, checked on the
 * cluster itself through client-node.
 */
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Activity } from '../../shared/operate/connections.js';
import { api } from '../helpers/api.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { deploymentManifest } from '../helpers/kubeManifests.js';
import { waitFor } from '../helpers/wait.js';

interface ApiError {
  error: { code: string; message: string };
}

async function hubWithApp(replicas = 1): Promise<{ hub: TestHub; kc: KubeConfig }> {
  const hub = await startTestHub({ sandbox: true, sandboxPodStartMs: 20 });
  const kc = new KubeConfig();
  kc.loadFromFile(hub.hub.sandbox!.kubeconfigPath);
  await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace: 'default',
    body: deploymentManifest('web', { replicas }),
  });
  return { hub, kc };
}

const act = (hub: TestHub, body: unknown, connection = 'sandbox') =>
  api<Activity & ApiError>(hub.url, 'POST', `/api/connections/${connection}/actions`, body);

describe('operating a cluster', () => {
  it('scales, restarts, cordons and deletes, and lists who did what, newest first', async () => {
    const { hub, kc } = await hubWithApp();
    const apps = kc.makeApiClient(AppsV1Api);
    const target = { kind: 'Deployment', namespace: 'default', name: 'web' };

    const scaled = await act(hub, { action: 'scale', ...target, replicas: 3, by: 'Ada' });
    expect(scaled.status).toBe(200);
    expect(scaled.body).toMatchObject({ by: 'Ada', result: 'succeeded', replicas: 3 });
    expect(
      (await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' })).spec?.replicas,
    ).toBe(3);

    await act(hub, { action: 'restart', ...target, by: 'Ada' });
    const restarted = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
    expect(
      restarted.spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'],
    ).toBeDefined();

    const core = kc.makeApiClient(CoreV1Api);
    await act(hub, { action: 'cordon', kind: 'Node', name: 'sandbox-node-2', by: 'Grace' });
    expect((await core.readNode({ name: 'sandbox-node-2' })).spec?.unschedulable).toBe(true);
    await act(hub, { action: 'uncordon', kind: 'Node', name: 'sandbox-node-2', by: 'Grace' });
    expect((await core.readNode({ name: 'sandbox-node-2' })).spec?.unschedulable).toBeFalsy();

    await act(hub, { action: 'delete', ...target, by: 'Grace' });
    await waitFor(async () =>
      apps.readNamespacedDeployment({ name: 'web', namespace: 'default' }).then(
        () => false,
        () => true,
      ),
    );
    const missing = await act(hub, { action: 'scale', ...target, replicas: 1 });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('action_failed');

    const { body: activity } = await api<Activity[]>(
      hub.url,
      'GET',
      '/api/activity?connection=sandbox',
    );
    expect(activity.map((a) => [a.action, a.by, a.result])).toEqual([
      ['scale', 'someone', 'failed'],
      ['delete', 'Grace', 'succeeded'],
      ['uncordon', 'Grace', 'succeeded'],
      ['cordon', 'Grace', 'succeeded'],
      ['restart', 'Ada', 'succeeded'],
      ['scale', 'Ada', 'succeeded'],
    ]);
    expect((await api<Activity[]>(hub.url, 'GET', '/api/activity?limit=2')).body).toHaveLength(2);
  });

  it('refuses actions it cannot do, with a clear reason, recording nothing', async () => {
    const { hub } = await hubWithApp();
    const refused: [body: unknown, status: number, code: string][] = [
      [
        { action: 'explode', kind: 'Deployment', namespace: 'default', name: 'web' },
        400,
        'invalid_action',
      ],
      [
        { action: 'scale', kind: 'Service', namespace: 'default', name: 'web', replicas: 2 },
        400,
        'invalid_action',
      ],
      [
        { action: 'scale', kind: 'Deployment', namespace: 'default', name: 'web' },
        400,
        'invalid_body',
      ],
      [{ action: 'scale', kind: 'Deployment', name: 'web', replicas: 2 }, 400, 'invalid_body'],
      [{ action: 'cordon', kind: 'Pod', name: 'x' }, 400, 'invalid_action'],
      [{ action: 'delete', kind: 'Gizmo', name: 'x' }, 400, 'invalid_action'],
      [{ action: 'delete', kind: 'Pod', name: 'x', extra: 1 }, 400, 'invalid_body'],
    ];
    for (const [body, status, code] of refused) {
      const response = await act(hub, body);
      expect({ body, status: response.status, code: response.body.error.code }).toEqual({
        body,
        status,
        code,
      });
    }
    expect((await act(hub, { action: 'delete', kind: 'Pod', name: 'x' }, 'nope')).status).toBe(404);
    expect((await api<Activity[]>(hub.url, 'GET', '/api/activity')).body).toEqual([]);
    expect((await api(hub.url, 'GET', '/api/activity?limit=0')).status).toBe(400);
  });

  it('streams a pod’s log, the last lines or following it, and says what is wrong with a bad request', async () => {
    const { hub, kc } = await hubWithApp();
    const core = kc.makeApiClient(CoreV1Api);
    const pod = await waitFor(async () => {
      const [found] = (await core.listNamespacedPod({ namespace: 'default' })).items;
      return found?.status?.containerStatuses && found.metadata!.name!;
    });
    const logs = (query: string) => fetch(`${hub.url}/api/connections/sandbox/logs?${query}`);

    const tail = await waitFor(async () => {
      const text = await (await logs(`namespace=default&pod=${pod}&tailLines=2`)).text();
      return text.trimEnd().split('\n').length === 2 && text;
    });
    expect(tail).toMatch(/HTTP\/1\.1/);

    const followed = await logs(`namespace=default&pod=${pod}&follow=true&tailLines=1`);
    expect(followed.headers.get('content-type')).toMatch(/^text\/plain/);
    const reader = followed.body!.getReader();
    let received = '';
    while (received.split('\n').length < 4) {
      const { value } = await reader.read();
      received += new TextDecoder().decode(value);
    }
    // The reader leaves while the log is still being followed: the hub must carry on.
    await reader.cancel();
    expect((await api(hub.url, 'GET', '/healthz')).status).toBe(200);

    for (const [query, status] of [
      [`namespace=default&pod=nope`, 404],
      [`pod=${pod}`, 400],
      [`namespace=default&pod=${pod}&container=nope`, 400],
      [`namespace=default&pod=${pod}&tailLines=-1`, 400],
    ] as const) {
      const response = await logs(query);
      expect({ query, status: response.status }).toEqual({ query, status });
      expect(((await response.json()) as ApiError).error.message.length).toBeGreaterThan(5);
    }
  });
});
