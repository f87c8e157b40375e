import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { api, type DesignJson } from '../helpers/api.js';
import { startTestHub } from '../helpers/hub.js';
import { tempDir } from '../helpers/tempDir.js';

describe('hub HTTP surface', () => {
  it('answers /healthz', async () => {
    const { url } = await startTestHub();
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('exposes Prometheus metrics', async () => {
    const { url } = await startTestHub();
    const response = await fetch(`${url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    const text = await response.text();
    for (const name of [
      'weft_rooms_open',
      'weft_connections',
      'weft_updates_received_total',
      'weft_updates_broadcast_total',
      'weft_received_bytes_total',
      'weft_sent_bytes_total',
      'weft_persist_flush_seconds_bucket',
      'weft_messages_dropped_total',
      'weft_messages_rejected_total',
    ]) {
      expect(text).toContain(`# TYPE ${name.replace(/_bucket$/, '')} `);
    }
  });

  it('serves the built web client with a fallback for client-side routes, and no files outside it', async () => {
    const webRoot = await tempDir();
    await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>weft test</title>');
    await mkdir(join(webRoot, 'assets'));
    await writeFile(join(webRoot, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(webRoot, 'service-worker.js'), 'self.skipWaiting()');
    const { url } = await startTestHub({ webRoot });
    expect(await (await fetch(`${url}/`)).text()).toContain('weft test');
    expect(await (await fetch(`${url}/designs/abc`)).text()).toContain('weft test');
    const asset = await fetch(`${url}/assets/app.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    // Built assets are named by their content and kept for good; pages are asked for each time.
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${url}/designs/abc`)).headers.get('cache-control')).toBe('no-cache');
    // The service worker keeps its name across builds: a browser must check it for updates.
    const serviceWorker = await fetch(`${url}/service-worker.js`);
    expect(serviceWorker.headers.get('content-type')).toMatch(/javascript/);
    expect(serviceWorker.headers.get('cache-control')).toBe('no-cache');
    const missing = await fetch(`${url}/assets/missing.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBe('no-cache');
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const sneaky = await fetch(`${url}/assets/..%2f..%2f..%2fetc%2fpasswd`);
    expect(await sneaky.text()).not.toContain('root:');
  });

  it('says how to build the web client when it is missing', async () => {
    const { url } = await startTestHub({ webRoot: await tempDir() });
    expect(await (await fetch(`${url}/`)).text()).toContain('npm run build');
  });

  it('lets a request under way at shutdown finish, and keeps what it wrote', async () => {
    const data = await tempDir();
    const first = await startTestHub({ data });
    const body = JSON.stringify({ name: 'created while shutting down' });
    const posting = request(`${first.url}/api/designs`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        // The hub answers 100 Continue as it starts handling the request: then it is under way.
        Expect: '100-continue',
      },
    });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      posting.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      posting.on('error', reject);
    });
    await new Promise((resolve) => posting.once('continue', resolve));
    const closed = first.close();
    posting.end(body);
    const { status, text } = await response;
    await closed;
    expect(status).toBe(201);
    const { id } = JSON.parse(text) as DesignJson;

    const second = await startTestHub({ data });
    const reloaded = await api<DesignJson>(second.url, 'GET', `/api/designs/${id}`);
    expect(reloaded.status).toBe(200);
    expect(reloaded.body.name).toBe('created while shutting down');
  });

  it('lists the relationship definitions it infers with', async () => {
    const { url } = await startTestHub();
    const { status, body } = await api<{ id: string; kind: string }[]>(
      url,
      'GET',
      '/api/relationships',
    );
    expect(status).toBe(200);
    expect(body).toContainEqual(
      expect.objectContaining({ id: 'kubernetes/service-selects-workload', kind: 'edge' }),
    );
  });
});
