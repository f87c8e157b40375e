import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readDesign, writeComponent, writeLayout } from '../../shared/design/convert.js';
import type { Component } from '../../shared/design/model.js';
import { CloseCode } from '../../shared/protocol.js';
import { api, createDesign, type DesignJson } from '../helpers/api.js';
import { connectClient } from '../helpers/client.js';
import { startTestHub } from '../helpers/hub.js';
import { storeDesign } from '../helpers/storedDesign.js';
import { tempDir } from '../helpers/tempDir.js';
import { waitFor } from '../helpers/wait.js';

const web: Component = {
  id: 'web',
  model: 'kubernetes',
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  name: 'web',
  namespace: 'shop',
  labels: { app: 'web' },
  annotations: {},
  config: {
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
  },
};

interface ErrorJson {
  error: { code: string; message: string };
}

describe('designs API', () => {
  it('creates, lists newest first, reads, updates and deletes designs', async () => {
    const { url } = await startTestHub();
    const created = await api<DesignJson>(url, 'POST', '/api/designs', {
      name: '  Payments  ',
      description: 'prod',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Payments', description: 'prod' });
    expect(created.body.id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = await createDesign(url, 'Checkout');

    const list = await api<DesignJson[]>(url, 'GET', '/api/designs');
    expect(list.body.map((d) => d.id)).toEqual([second, created.body.id]);

    const detail = await api<DesignJson>(url, 'GET', `/api/designs/${created.body.id}`);
    expect(detail.body).toMatchObject({
      id: created.body.id,
      name: 'Payments',
      components: [],
      layout: {},
      relationships: [],
    });

    const patched = await api<DesignJson>(url, 'PATCH', `/api/designs/${second}`, {
      name: 'Checkout v2',
    });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe('Checkout v2');
    expect((await api<DesignJson>(url, 'GET', `/api/designs/${second}`)).body.name).toBe(
      'Checkout v2',
    );

    expect((await api(url, 'DELETE', `/api/designs/${second}`)).status).toBe(204);
    expect((await api(url, 'GET', `/api/designs/${second}`)).status).toBe(404);
    expect((await api<DesignJson[]>(url, 'GET', '/api/designs')).body).toHaveLength(1);
  });

  it('returns components, layout and relationships as plain JSON from the live room', async () => {
    const { url, wsUrl } = await startTestHub();
    const id = await createDesign(url);
    const client = connectClient(wsUrl, `designs/${id}`, { acks: true });
    await client.synced();
    writeComponent(client.doc, web);
    writeLayout(client.doc, 'web', { x: 10, y: 20 });
    await client.saved();
    const detail = await api<DesignJson & { layout: unknown }>(url, 'GET', `/api/designs/${id}`);
    expect(detail.body.components).toEqual([web]);
    expect(detail.body.layout).toEqual({ web: { x: 10, y: 20 } });
    // Nested config is Yjs types, not a JSON string.
    const stored = client.doc.getMap<Y.Map<unknown>>('components').get('web')!.get('config');
    expect(stored).toBeInstanceOf(Y.Map);
  });

  it('reads a design from LMDB when no room is loaded', async () => {
    const { url, wsUrl } = await startTestHub({ roomGraceMs: 0 });
    const id = await createDesign(url, 'cold');
    const client = connectClient(wsUrl, `designs/${id}`, { acks: true });
    await client.synced();
    client.doc.getMap('layout').set('a', new Y.Map());
    await client.saved();
    client.destroy();
    await waitFor(
      async () => (await (await fetch(`${url}/metrics`)).text()).includes('weft_rooms_open 0'),
      {
        what: 'the room to unload',
      },
    );
    const detail = await api<DesignJson & { layout: unknown }>(url, 'GET', `/api/designs/${id}`);
    expect(detail.body.layout).toEqual({ a: { x: 0, y: 0 } });
  });

  it('gives a design as one Yjs update, from the live room and from storage', async () => {
    const { url, wsUrl } = await startTestHub({ roomGraceMs: 0 });
    const id = await createDesign(url, 'state');
    const fetchState = async () => {
      const response = await fetch(`${url}/api/designs/${id}/state`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      const doc = new Y.Doc();
      Y.applyUpdate(doc, new Uint8Array(await response.arrayBuffer()));
      return doc;
    };
    const client = connectClient(wsUrl, `designs/${id}`, { acks: true });
    await client.synced();
    writeComponent(client.doc, web);
    writeLayout(client.doc, 'web', { x: 10, y: 20 });
    await client.saved();
    const everything = Y.encodeStateVector(client.doc);

    const live = await fetchState();
    expect(Y.encodeStateVector(live)).toEqual(everything);
    expect(readDesign(live).components).toEqual([web]);
    expect(readDesign(live).layout).toEqual({ web: { x: 10, y: 20 } });

    client.destroy();
    await waitFor(
      async () => (await (await fetch(`${url}/metrics`)).text()).includes('weft_rooms_open 0'),
      { what: 'the room to unload' },
    );
    const stored = await fetchState();
    expect(Y.encodeStateVector(stored)).toEqual(everything);
    expect(readDesign(stored).components).toEqual([web]);
  });

  it('gives a design stored as several log entries (a hub stopped before compacting) as one update', async () => {
    const data = await tempDir();
    const id = 'logged-design';
    const author = new Y.Doc();
    const updates: Uint8Array[] = [];
    author.on('update', (update: Uint8Array) => updates.push(update));
    writeComponent(author, web);
    writeLayout(author, 'web', { x: 10, y: 20 });
    await storeDesign(data, id, 'logged', updates);
    expect(updates).toHaveLength(2);

    const { url } = await startTestHub({ data });
    const response = await fetch(`${url}/api/designs/${id}/state`);
    expect(response.status).toBe(200);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(await response.arrayBuffer()));
    expect(Y.encodeStateVector(doc)).toEqual(Y.encodeStateVector(author));
    expect(readDesign(doc).components).toEqual([web]);
    expect(readDesign(doc).layout).toEqual({ web: { x: 10, y: 20 } });
  });

  it('moves updatedAt forward when the design is edited through its room', async () => {
    const { url, wsUrl } = await startTestHub();
    const id = await createDesign(url);
    const before = (await api<DesignJson>(url, 'GET', `/api/designs/${id}`)).body.updatedAt;
    const client = connectClient(wsUrl, `designs/${id}`);
    await client.synced();
    client.doc.getMap('components').set('x', 1);
    await waitFor(
      async () => (await api<DesignJson>(url, 'GET', `/api/designs/${id}`)).body.updatedAt > before,
      { what: 'updatedAt to move', timeoutMs: 10_000, intervalMs: 100 },
    );
  });

  it('a rename reaches connected editors through the room meta', async () => {
    const { url, wsUrl } = await startTestHub();
    const id = await createDesign(url, 'before');
    const client = connectClient(wsUrl, `designs/${id}`);
    await client.synced();
    expect(client.doc.getMap('meta').get('name')).toBe('before');
    await api(url, 'PATCH', `/api/designs/${id}`, { name: 'after', description: 'd' });
    await waitFor(() => client.doc.getMap('meta').get('name') === 'after', { what: 'the rename' });
    expect(client.doc.getMap('meta').get('description')).toBe('d');
  });

  it('deleting a design closes its connections with 4404 and refuses new ones', async () => {
    const { url, wsUrl } = await startTestHub();
    const id = await createDesign(url);
    const editor = connectClient(wsUrl, `designs/${id}`);
    const viewer = connectClient(wsUrl, `designs/${id}/derived`);
    await Promise.all([editor.synced(), viewer.synced()]);
    expect((await api(url, 'DELETE', `/api/designs/${id}`)).status).toBe(204);
    for (const client of [editor, viewer]) {
      await waitFor(() => client.closes.some((c) => c.code === CloseCode.notFound), {
        what: '4404',
      });
    }
    const late = connectClient(wsUrl, `designs/${id}`);
    await waitFor(() => late.closes[0]?.code === CloseCode.notFound, { what: 'the refusal' });
    expect((await api(url, 'DELETE', `/api/designs/${id}`)).status).toBe(404);
  });

  it.each([
    ['POST', '/api/designs', '{"name":', 400, 'invalid_json'],
    ['POST', '/api/designs', '[]', 400, 'invalid_body'],
    ['POST', '/api/designs', '{}', 400, 'invalid_body'],
    ['POST', '/api/designs', '{"name":"  "}', 400, 'invalid_body'],
    ['POST', '/api/designs', '{"name":7}', 400, 'invalid_body'],
    ['POST', '/api/designs', '{"name":"a","nmae":"b"}', 400, 'invalid_body'],
    ['POST', '/api/designs', `{"name":"${'x'.repeat(201)}"}`, 400, 'invalid_body'],
    ['GET', '/api/designs/nope', undefined, 404, 'not_found'],
    ['GET', '/api/designs/..%2F..%2Fetc', undefined, 404, 'not_found'],
    ['GET', '/api/designs/nope/state', undefined, 404, 'not_found'],
    ['GET', '/api/designs/..%2F..%2Fetc/state', undefined, 404, 'not_found'],
    ['PATCH', '/api/designs/nope', '{"name":"x"}', 404, 'not_found'],
    ['DELETE', '/api/designs/nope', undefined, 404, 'not_found'],
    ['GET', '/api/nothing-here', undefined, 404, 'not_found'],
  ])('%s %s with %s answers %i %s', async (method, path, body, status, code) => {
    const { url } = await startTestHub();
    const response = await api<ErrorJson>(url, method, path, body);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message.length).toBeGreaterThan(0);
  });

  it('refuses bodies over 1 MiB with 413', async () => {
    const { url } = await startTestHub();
    const response = await api<ErrorJson>(url, 'POST', '/api/designs', {
      name: 'x',
      description: 'y'.repeat(2 * 1024 * 1024),
    });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('body_too_large');
  });
});
