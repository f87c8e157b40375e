import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
    const { url } = await startTestHub({ webRoot });
    expect(await (await fetch(`${url}/`)).text()).toContain('weft test');
    expect(await (await fetch(`${url}/designs/abc`)).text()).toContain('weft test');
    const asset = await fetch(`${url}/assets/app.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    const sneaky = await fetch(`${url}/assets/..%2f..%2f..%2fetc%2fpasswd`);
    expect(await sneaky.text()).not.toContain('root:');
  });

  it('says how to build the web client when it is missing', async () => {
    const { url } = await startTestHub({ webRoot: await tempDir() });
    expect(await (await fetch(`${url}/`)).text()).toContain('npm run build');
  });
});
