import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HubConfig } from '../../server/config.js';
import { startTestHub } from '../helpers/hub.js';
import { tempDir } from '../helpers/tempDir.js';

/** A hub serving a one-page web client, and the CSP header it sends for a path. */
async function hubWithClient(overrides: Partial<HubConfig> = {}) {
  const webRoot = await tempDir();
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>weft embed test</title>');
  const { url } = await startTestHub({ webRoot, ...overrides });
  const policyOf = async (path: string) => {
    const response = await fetch(url + path);
    await response.arrayBuffer();
    return response.headers.get('content-security-policy');
  };
  return { url, policyOf };
}

describe('who may frame the web client', () => {
  it('lets the --embed-origins sources frame /embed/ pages, and only the hub frame the others', async () => {
    const { url, policyOf } = await hubWithClient({
      embedOrigins: ["'self'", 'https://docs.example.com', 'https://*.example.org'],
    });
    const embedPolicy = "frame-ancestors 'self' https://docs.example.com https://*.example.org";
    expect(await policyOf('/embed/designs/x')).toBe(embedPolicy);
    expect(await policyOf('/embed')).toBe(embedPolicy);
    expect(await (await fetch(`${url}/embed/designs/x`)).text()).toContain('weft embed test');
    for (const path of ['/', '/designs/x', '/embedded', '/index.html']) {
      expect(await policyOf(path), path).toBe("frame-ancestors 'self'");
    }
    for (const path of ['/api/designs', '/healthz']) {
      expect(await policyOf(path), path).toBeNull();
    }
  });

  it('lets any site frame the embed widget by default', async () => {
    const { policyOf } = await hubWithClient();
    expect(await policyOf('/embed/designs/x')).toBe('frame-ancestors *');
    expect(await policyOf('/designs/x')).toBe("frame-ancestors 'self'");
  });
});
