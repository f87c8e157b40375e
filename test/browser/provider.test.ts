import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { createDesign } from '../helpers/api.js';
import { launchBrowser } from '../helpers/browser.js';
import { connectClient } from '../helpers/client.js';
import { startTestHub } from '../helpers/hub.js';
import { tempDir } from '../helpers/tempDir.js';
import { waitFor } from '../helpers/wait.js';

const FIXTURE = fileURLToPath(new URL('./fixture', import.meta.url));

interface PageApi {
  weftTest: { synced(): boolean; get(key: string): string; set(key: string, value: string): void };
}

describe('the stock y-websocket provider in Chromium', () => {
  it('syncs both ways with a Node client through the hub', async () => {
    const webRoot = await tempDir();
    await build({
      root: FIXTURE,
      logLevel: 'silent',
      build: { outDir: webRoot, emptyOutDir: true },
    });
    const { url, wsUrl } = await startTestHub({ webRoot });
    const room = `designs/${await createDesign(url)}`;
    const node = connectClient(wsUrl, room);
    await node.synced();
    node.doc.getMap('shared').set('from', 'node');

    const browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(`${url}/#${encodeURIComponent(room)}`);
    await page.waitForFunction(() => (window as unknown as PageApi).weftTest?.synced());
    expect(await page.evaluate(() => (window as unknown as PageApi).weftTest.get('from'))).toBe(
      'node',
    );

    await page.evaluate(() => (window as unknown as PageApi).weftTest.set('reply', 'chromium'));
    await waitFor(() => node.doc.getMap('shared').get('reply') === 'chromium', {
      what: 'the browser edit to reach node',
    });
  });
});
