/**
 * `/api/connections` against real clusters: the hub's own sandbox and a second sandbox on
 * another port, reached over HTTPS through `@kubernetes/client-node`.
 */
import { readFile } from 'node:fs/promises';
import { delimiter } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { ConnectionView } from '../../shared/operate/connections.js';
import type { Environment } from '../../shared/operate/connections.js';
import { api } from '../helpers/api.js';
import { startTestHub } from '../helpers/hub.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { closedPort, silentServer } from '../helpers/silentServer.js';
import { tempDir } from '../helpers/tempDir.js';

interface Kubeconfig {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
  contexts: { name: string; context: Record<string, unknown> }[];
  'current-context': string;
}

const kubeconfigOf = async (path: string): Promise<Kubeconfig> =>
  parse(await readFile(path, 'utf8')) as Kubeconfig;

/** `config` with every cluster's server replaced. */
function pointedAt(config: Kubeconfig, server: string): string {
  return stringify({
    ...config,
    clusters: config.clusters.map((c) => ({ ...c, cluster: { ...c.cluster, server } })),
  });
}

interface ApiError {
  error: { code: string; message: string };
}

const connectionOf = async (url: string, id: string) =>
  (await api<ConnectionView>(url, 'GET', `/api/connections/${id}`)).body;

describe('connections', () => {
  it('lists the sandbox, checked and reachable, with its Kubernetes version', async () => {
    const hub = await startTestHub({ sandbox: true });
    await expect.poll(async () => (await connectionOf(hub.url, 'sandbox')).state).toBe('reachable');
    const sandbox = await connectionOf(hub.url, 'sandbox');
    expect(sandbox).toMatchObject({
      id: 'sandbox',
      source: 'sandbox',
      server: hub.hub.sandbox!.url,
      lastError: null,
    });
    expect(sandbox.version).toMatch(/^v1\.\d+\.\d+/);
    expect(sandbox.checkedAt).not.toBeNull();
    const { body: all } = await api<ConnectionView[]>(hub.url, 'GET', '/api/connections');
    expect(all.map((c) => c.id)).toEqual(['sandbox']);
  });

  it('adds a cluster from its kubeconfig, keeps it across a restart, never shows its credentials, and removes it', async () => {
    const second = await startTestSandbox();
    const text = await readFile(second.kubeconfigPath, 'utf8');
    const config = await kubeconfigOf(second.kubeconfigPath);
    const secrets = [
      config.users[0]!.user.token as string,
      config.clusters[0]!.cluster['certificate-authority-data'] as string,
    ];
    const data = await tempDir();
    const hub = await startTestHub({ data });

    const added = await api<ConnectionView>(hub.url, 'POST', '/api/connections', {
      name: 'second cluster',
      kubeconfig: text,
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      name: 'second cluster',
      source: 'added',
      context: config['current-context'],
      server: second.url,
      state: 'reachable',
    });
    const { id } = added.body;
    const listed = await api<ConnectionView[]>(hub.url, 'GET', '/api/connections');
    expect(listed.body.map((c) => c.id)).toEqual([id]);
    for (const response of [added.body, listed.body, await connectionOf(hub.url, id)]) {
      for (const secret of secrets) expect(JSON.stringify(response)).not.toContain(secret);
    }

    await hub.close();
    const again = await startTestHub({ data });
    await expect.poll(async () => (await connectionOf(again.url, id)).state).toBe('reachable');
    expect((await connectionOf(again.url, id)).name).toBe('second cluster');

    expect((await api(again.url, 'DELETE', `/api/connections/${id}`)).status).toBe(204);
    expect((await api(again.url, 'GET', `/api/connections/${id}`)).status).toBe(404);
    await again.close();
    const third = await startTestHub({ data });
    expect((await api<ConnectionView[]>(third.url, 'GET', '/api/connections')).body).toEqual([]);
  });

  it('makes a connection of every context of the --kubeconfig files, which the API cannot remove', async () => {
    const second = await startTestSandbox();
    const missing = `${await tempDir()}/missing.kubeconfig`;
    const hub = await startTestHub({
      kubeconfig: `${missing}${delimiter}${second.kubeconfigPath}`,
    });
    const { body: all } = await api<ConnectionView[]>(hub.url, 'GET', '/api/connections');
    expect(all).toHaveLength(1);
    const [fromFile] = all;
    expect(fromFile).toMatchObject({ name: 'sandbox', source: 'kubeconfig', server: second.url });
    expect(fromFile!.id).toMatch(/^sandbox-[0-9a-f]{6}$/);
    await expect
      .poll(async () => (await connectionOf(hub.url, fromFile!.id)).state)
      .toBe('reachable');
    expect((await api(hub.url, 'DELETE', `/api/connections/${fromFile!.id}`)).status).toBe(409);
  });

  it('reports a cluster that refuses or never answers, without holding up the others', async () => {
    const hub = await startTestHub({ sandbox: true });
    const template = await kubeconfigOf(hub.hub.sandbox!.kubeconfigPath);

    const refused = await api<ConnectionView>(hub.url, 'POST', '/api/connections', {
      name: 'refuses',
      kubeconfig: pointedAt(template, `https://127.0.0.1:${await closedPort()}`),
    });
    expect(refused.status).toBe(201);
    expect(refused.body.state).toBe('unreachable');
    expect(refused.body.lastError?.message).toMatch(/ECONNREFUSED/);

    // Added while the sandbox is checked again: that check must not wait for this one.
    const silent = api<ConnectionView>(hub.url, 'POST', '/api/connections', {
      name: 'silent',
      kubeconfig: pointedAt(template, `https://127.0.0.1:${await silentServer()}`),
    });
    const sandbox = await api<ConnectionView>(hub.url, 'POST', '/api/connections/sandbox/check');
    expect(sandbox.body.state).toBe('reachable');
    let silentDone = false;
    void silent.then(() => (silentDone = true));
    expect(silentDone).toBe(false);
    const { body: hung } = await silent;
    expect(hung.state).toBe('unreachable');
    expect(hung.lastError?.message).toMatch(/no answer from https:\/\/127\.0\.0\.1:\d+ within/);
  });

  it('checks every connection in the background and keeps the last error', async () => {
    const second = await startTestSandbox();
    const hub = await startTestHub({ connectionCheckMs: 200 });
    const { body } = await api<ConnectionView>(hub.url, 'POST', '/api/connections', {
      name: 'goes away',
      kubeconfig: await readFile(second.kubeconfigPath, 'utf8'),
    });
    expect(body.state).toBe('reachable');
    await second.close();
    await expect.poll(async () => (await connectionOf(hub.url, body.id)).state).toBe('unreachable');
    const gone = await connectionOf(hub.url, body.id);
    expect(gone.version).toBe(body.version);
    expect(gone.lastError?.message).toMatch(/ECONNREFUSED/);
  });

  it('refuses kubeconfigs it cannot use or must not trust, storing nothing', async () => {
    const hub = await startTestHub({ sandbox: true });
    const template = await kubeconfigOf(hub.hub.sandbox!.kubeconfigPath);
    const withUser = (user: Record<string, unknown>) =>
      stringify({ ...template, users: [{ name: template.users[0]!.name, user }] });
    const refusals: [body: unknown, status: number, code: string][] = [
      [{ name: 'x', kubeconfig: 'clusters: [' }, 400, 'invalid_kubeconfig'],
      [{ name: 'x', kubeconfig: '- a list' }, 400, 'invalid_kubeconfig'],
      [{ name: 'x', kubeconfig: stringify(template), context: 'nope' }, 400, 'unknown_context'],
      [
        { name: 'x', kubeconfig: stringify({ ...template, 'current-context': '' }) },
        400,
        'invalid_kubeconfig',
      ],
      [
        { name: 'x', kubeconfig: withUser({ exec: { command: 'touch', args: ['/tmp/pwned'] } }) },
        400,
        'unsafe_kubeconfig',
      ],
      [
        { name: 'x', kubeconfig: withUser({ 'token-file': '/etc/passwd' }) },
        400,
        'unsafe_kubeconfig',
      ],
      [
        {
          name: 'x',
          kubeconfig: withUser({
            'client-certificate': '/etc/ssl/a.pem',
            'client-key': '/etc/ssl/a.key',
          }),
        },
        400,
        'unsafe_kubeconfig',
      ],
      [
        { name: 'x', kubeconfig: withUser({ 'auth-provider': { name: 'oidc' } }) },
        400,
        'unsafe_kubeconfig',
      ],
      [
        { name: 'x', kubeconfig: pointedAt(template, 'ftp://127.0.0.1') },
        400,
        'invalid_kubeconfig',
      ],
      [{ kubeconfig: stringify(template) }, 400, 'invalid_body'],
      [{ name: 'x', kubeconfig: stringify(template), token: 'x' }, 400, 'invalid_body'],
      ['{"name":', 400, 'invalid_json'],
    ];
    for (const [body, status, code] of refusals) {
      const response = await api<{ error: { code: string; message: string } }>(
        hub.url,
        'POST',
        '/api/connections',
        body,
      );
      expect({ body, status: response.status, code: response.body.error.code }).toEqual({
        body,
        status,
        code,
      });
      expect(response.body.error.message.length).toBeGreaterThan(10);
    }
    const unsafe = await api<{ error: { message: string } }>(hub.url, 'POST', '/api/connections', {
      name: 'x',
      kubeconfig: withUser({ exec: { command: 'touch' } }),
    });
    expect(unsafe.body.error.message).toContain('users[0].user.exec');
    expect((await api(hub.url, 'DELETE', '/api/connections/sandbox')).status).toBe(409);
    expect((await api(hub.url, 'GET', '/api/connections/nope')).status).toBe(404);
    expect((await api(hub.url, 'POST', '/api/connections/nope/check')).status).toBe(404);
    const { body: all } = await api<ConnectionView[]>(hub.url, 'GET', '/api/connections');
    expect(all.map((c) => c.id)).toEqual(['sandbox']);
  });

  it('groups connections into environments, kept across restarts, that forget removed connections', async () => {
    const second = await startTestSandbox();
    const data = await tempDir();
    const hub = await startTestHub({ data, sandbox: true });
    const { body: added } = await api<ConnectionView>(hub.url, 'POST', '/api/connections', {
      name: 'second',
      kubeconfig: await readFile(second.kubeconfigPath, 'utf8'),
    });
    const created = await api<Environment>(hub.url, 'POST', '/api/environments', {
      name: 'staging',
      connections: ['sandbox', added.id, 'sandbox'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'staging', connections: ['sandbox', added.id] });
    const { id } = created.body;
    const renamed = await api<Environment>(hub.url, 'PATCH', `/api/environments/${id}`, {
      name: 'stage',
    });
    expect(renamed.body).toEqual({ id, name: 'stage', connections: ['sandbox', added.id] });
    const refused = [
      await api<ApiError>(hub.url, 'POST', '/api/environments', {
        name: 'x',
        connections: ['nope'],
      }),
      await api<ApiError>(hub.url, 'POST', '/api/environments', {
        name: 'x',
        connections: 'sandbox',
      }),
      await api<ApiError>(hub.url, 'PATCH', `/api/environments/${id}`, { connections: ['nope'] }),
      await api<ApiError>(hub.url, 'POST', '/api/environments', { connections: [] }),
    ];
    expect(refused.map((r) => [r.status, r.body.error.code])).toEqual([
      [400, 'unknown_connection'],
      [400, 'invalid_body'],
      [400, 'unknown_connection'],
      [400, 'invalid_body'],
    ]);

    await api(hub.url, 'DELETE', `/api/connections/${added.id}`);
    expect(
      (await api<Environment>(hub.url, 'GET', `/api/environments/${id}`)).body.connections,
    ).toEqual(['sandbox']);
    await hub.close();
    const again = await startTestHub({ data, sandbox: true });
    expect((await api<Environment[]>(again.url, 'GET', '/api/environments')).body).toEqual([
      { id, name: 'stage', connections: ['sandbox'] },
    ]);
    expect((await api(again.url, 'DELETE', `/api/environments/${id}`)).status).toBe(204);
    expect((await api(again.url, 'GET', `/api/environments/${id}`)).status).toBe(404);
  });
});
