import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { api, importDesign } from '../helpers/api.js';
import { newComponent } from '../../shared/design/componentDefaults.js';
import { writeComponent, writeLayout } from '../../shared/design/convert.js';
import { designRoom } from '../../shared/rooms.js';
import { connectClient } from '../helpers/client.js';
import { openPage, startEditorHub } from '../helpers/editor.js';

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default, labels: { app: web } }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: app, image: "nginx:1.27" }] }
`;

/** A page on another origin (localhost, not 127.0.0.1) that frames the widget. */
async function hostPage(frameUrl: string): Promise<string> {
  const html = `<!doctype html><title>host</title>
<script>window.received = []; addEventListener('message', (e) => received.push(e.data));</script>
<iframe src="${frameUrl}" width="900" height="600" title="design"></iframe>`;
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://localhost:${(server.address() as AddressInfo).port}/`;
}

describe('the embeddable widget in Chromium', () => {
  it('renders a design on another origin, read-only, and tells its parent', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, MANIFESTS, 'shop');
    const before = (await api(hub.url, 'GET', `/api/designs/${designId}`)).body;

    const page = await openPage(browser, await hostPage(`${hub.url}/embed/designs/${designId}`));
    const frame = page.frameLocator('iframe');
    const node = frame.locator('.svelte-flow__node:has([data-name="web"])');
    await node.waitFor();
    await expect
      .poll(() =>
        page.evaluate(() =>
          (window as unknown as { received: { type: string }[] }).received.map((m) => m.type),
        ),
      )
      .toContain('weft:ready');

    // Attempted edits: drag the component away, and press Delete on it.
    const box = (await node.boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + 220, box.y + 160, { steps: 8 });
    await page.mouse.up();
    await node.click();
    await page.keyboard.press('Delete');
    expect(await frame.locator('.svelte-flow__node').count()).toBe(1);

    const after = (await api(hub.url, 'GET', `/api/designs/${designId}`)).body;
    expect(after).toEqual(before);

    // An edit made in the editor shows up in the widget, live (placed beside the component in
    // view: the drag above panned the read-only view, and only visible nodes are drawn).
    const editor = connectClient(hub.wsUrl, designRoom(designId));
    await editor.synced();
    editor.doc.transact(() => {
      writeComponent(editor.doc, {
        ...newComponent({
          id: 'cache',
          model: 'kubernetes',
          kind: 'ConfigMap',
          apiVersion: 'v1',
          namespaced: true,
          takenNames: new Set(),
        }),
      });
      writeLayout(editor.doc, 'cache', { x: 0, y: 100 });
    });
    await frame.locator('.svelte-flow__node:has([data-kind="ConfigMap"])').waitFor();
  });
});
