import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { api, importDesign } from '../helpers/api.js';
import {
  ADA,
  dragBy,
  GRACE,
  nodeNamed,
  openEditor,
  startEditorHub,
  untilSaved,
} from '../helpers/editor.js';
import { startTestHub } from '../helpers/hub.js';
import { WEB_DEPLOYMENT, WEB_SERVICE } from '../helpers/webManifests.js';

interface LayoutDetail {
  components: {
    id: string;
    kind: string;
    name: string;
    config: { spec?: { replicas?: number } };
  }[];
  layout: Record<string, { x: number; y: number }>;
}

/** Svelte Flow's pan and zoom of a page, as its viewport element's transform. */
const viewOf = (page: Page) =>
  page.locator('.svelte-flow__viewport').evaluate((element) => getComputedStyle(element).transform);

/** Where the hub has the web Service and Deployment. */
async function webPlaces(hubUrl: string, designId: string) {
  const { body } = await api<LayoutDetail>(hubUrl, 'GET', `/api/designs/${designId}`);
  const placeOf = (kind: string) =>
    body.layout[body.components.find((component) => component.kind === kind)!.id]!;
  return { service: placeOf('Service'), deployment: placeOf('Deployment') };
}

/** How many updates the page's local copy of a design holds in IndexedDB. */
const localUpdates = (page: Page, designId: string) =>
  page.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const opening = indexedDB.open(name);
        opening.onerror = () => reject(opening.error);
        opening.onsuccess = () => {
          const counting = opening.result.transaction('updates').objectStore('updates').count();
          counting.onsuccess = () => {
            opening.result.close();
            resolve(counting.result);
          };
        };
      }),
    `weft:design:${designId}`,
  );

/** Pans a page with the mouse wheel, as a trackpad would. */
async function pan(page: Page, dx: number, dy: number) {
  const pane = (await page.locator('.svelte-flow').boundingBox())!;
  await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
  await page.mouse.wheel(dx, dy);
}

describe('the editor’s view and connection in Chromium', () => {
  it('follows a collaborator’s viewport until one pans by hand', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, `${WEB_DEPLOYMENT}---\n${WEB_SERVICE}`);
    const ada = await openEditor(browser, hub, designId, ADA);
    const grace = await openEditor(browser, hub, designId, GRACE);
    await ada.getByRole('button', { name: 'Follow Grace' }).click();
    const following = ada.getByRole('button', { name: /^Following Grace/ });
    await following.waitFor();

    const before = await viewOf(ada);
    await pan(grace, 300, 200);
    await grace.keyboard.down('Control');
    await grace.mouse.wheel(0, -200);
    await grace.keyboard.up('Control');
    await expect
      .poll(async () => {
        const [adaView, graceView] = await Promise.all([viewOf(ada), viewOf(grace)]);
        return graceView !== before && adaView === graceView;
      })
      .toBe(true);

    await pan(ada, -200, 0);
    await following.waitFor({ state: 'detached' });
  });

  it('fits the design back into view with Shift+1', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, WEB_DEPLOYMENT);
    const ada = await openEditor(browser, hub, designId, ADA);
    const web = nodeNamed(ada, 'web');
    await web.waitFor();
    for (let step = 0; step < 10 && (await web.count()) > 0; step++) await pan(ada, 600, 600);
    // Svelte Flow draws only what is in view: the node is gone once panned away.
    await web.waitFor({ state: 'detached' });

    await ada.keyboard.press('Shift+Digit1');
    await web.waitFor();
    const pane = (await ada.locator('.svelte-flow').boundingBox())!;
    await expect
      .poll(async () => {
        const box = (await web.boundingBox())!;
        return (
          box.x >= pane.x &&
          box.y >= pane.y &&
          box.x + box.width <= pane.x + pane.width &&
          box.y + box.height <= pane.y + pane.height
        );
      })
      .toBe(true);
  });

  it('lays the design out again on demand, and one undo takes the whole layout back', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, `${WEB_DEPLOYMENT}---\n${WEB_SERVICE}`);
    const ada = await openEditor(browser, hub, designId, ADA);
    await ada.locator('.svelte-flow__edge.inferred').waitFor({ state: 'attached' });
    // The import is already ranked: the Service before the Deployment it selects.
    const imported = await webPlaces(hub.url, designId);
    expect(imported.service.x).toBeLessThan(imported.deployment.x);

    // Dragged past the Deployment, the Service is out of order…
    const service = nodeNamed(ada, 'web').filter({ hasText: 'Service' });
    await dragBy(ada, service, 500, 150);
    // The drag writes as it goes: only once all of it is saved is its end on the hub.
    await untilSaved(ada);
    const dragged = await webPlaces(hub.url, designId);
    expect(dragged.service.x).toBeGreaterThan(dragged.deployment.x);

    // …until Auto-layout ranks it first again.
    await ada.getByRole('button', { name: 'Auto-layout' }).click();
    await expect
      .poll(async () => {
        const { service, deployment } = await webPlaces(hub.url, designId);
        return service.x < deployment.x;
      })
      .toBe(true);

    await ada.keyboard.press('Control+z');
    await expect.poll(() => webPlaces(hub.url, designId)).toEqual(dragged);
  });

  it('keeps edits made while the hub is down and merges everyone’s when it is back', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, WEB_DEPLOYMENT);
    const ada = await openEditor(browser, hub, designId, ADA);
    const grace = await openEditor(browser, hub, designId, GRACE);
    // The YAML editor and the schemas of the design's kinds are fetched once the design is
    // drawn and the page idle, before anyone selects anything, so the whole panel works offline.
    // Waiting for the files alone is not enough: the editor's code must have loaded as a whole.
    await grace.waitForFunction(() => {
      const fetched = performance.getEntriesByType('resource').map((entry) => entry.name);
      return (
        document.documentElement.dataset.offlineReady === 'true' &&
        fetched.some((name) => /\/YamlEditor-/.test(name)) &&
        fetched.some((name) => name.includes('/api/models/kubernetes/components/Deployment'))
      );
    });

    await hub.close();
    for (const page of [ada, grace]) {
      await page.getByText('Offline — changes kept locally').waitFor();
    }
    await nodeNamed(grace, 'web').click();
    await ada.getByRole('button', { name: 'Add Deployment' }).click();
    const replicas = grace.getByLabel('Replicas', { exact: true });
    await replicas.fill('7');
    await replicas.press('Tab');
    await grace.getByRole('tab', { name: 'YAML' }).click();
    await expect
      .poll(() => grace.getByLabel('Resource YAML').textContent())
      .toContain('replicas: 7');
    await grace.getByRole('tab', { name: 'Form' }).click();
    expect(await ada.getByText('Offline — changes kept locally').count()).toBe(1);

    // The same hub again: same data, same address, so the pages reconnect by themselves.
    const port = Number(new URL(hub.url).port);
    const back = await startTestHub({ data: hub.data, port, webRoot: inject('webRoot') });
    for (const page of [ada, grace]) {
      await page.locator('[data-status="saved"]').waitFor({ timeout: 20_000 });
    }
    await nodeNamed(grace, 'deployment').waitFor();
    const { body } = await api<LayoutDetail>(back.url, 'GET', `/api/designs/${designId}`);
    expect(body.components.map((component) => component.name).sort()).toEqual([
      'deployment',
      'web',
    ]);
    expect(body.components.find((c) => c.name === 'web')!.config.spec?.replicas).toBe(7);
  });

  it('keeps edits made offline in this browser after the tab is closed, and sends them later', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, WEB_DEPLOYMENT);
    const ada = await openEditor(browser, hub, designId, ADA);
    await hub.close();
    await ada.getByText('Offline — changes kept locally').waitFor();
    const stored = () => localUpdates(ada, designId);
    const before = await stored();
    await ada.getByRole('button', { name: 'Add Deployment' }).click();
    await nodeNamed(ada, 'deployment').waitFor();
    await expect.poll(stored).toBeGreaterThan(before);
    await ada.close();

    const port = Number(new URL(hub.url).port);
    const back = await startTestHub({ data: hub.data, port, webRoot: inject('webRoot') });
    const names = async () => {
      const { body } = await api<LayoutDetail>(back.url, 'GET', `/api/designs/${designId}`);
      return body.components.map((component) => component.name).sort();
    };
    expect(await names()).toEqual(['web']);
    // Opening the design again in the same browser sends what it kept.
    const again = await ada.context().newPage();
    await again.goto(`${back.url}/designs/${designId}`);
    await again.locator('[data-status="saved"]').waitFor();
    expect(await names()).toEqual(['deployment', 'web']);
  });

  it('opens a design while the hub is down, from what this browser kept, and sends the edits made then', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, WEB_DEPLOYMENT);
    const first = await openEditor(browser, hub, designId, ADA);
    // The first visit installs the service worker, which keeps the page, the code, the palette
    // and the design's schemas, even those fetched before it took control.
    const kept = () =>
      first.evaluate(async () => {
        const urls = await Promise.all(
          (await caches.keys()).map(async (name) =>
            (await (await caches.open(name)).keys()).map(
              (request) => new URL(request.url).pathname,
            ),
          ),
        );
        return urls.flat();
      });
    for (const expected of [
      /^\/$/,
      /^\/assets\/index-/,
      /^\/assets\/EditorPage-/,
      /^\/assets\/YamlEditor-/,
      /^\/api\/models\/kubernetes\/components$/,
      /^\/api\/models\/kubernetes\/components\/Deployment$/,
    ]) {
      await expect.poll(async () => (await kept()).some((path) => expected.test(path))).toBe(true);
    }

    // A tab pointed at the API is not taken for the page to keep.
    const apiTab = await first.context().newPage();
    await apiTab.goto(`${hub.url}/api/designs`);
    await apiTab.close();

    await hub.close();
    await first.getByText('Offline — changes kept locally').waitFor();
    await first.close();
    const ada = await first.context().newPage();
    await ada.goto(`${hub.url}/designs/${designId}`);
    await nodeNamed(ada, 'web').waitFor();
    await ada.getByText('Offline — changes kept locally').waitFor();
    await ada.getByText(/^The hub is not answering.*copy kept in this browser/s).waitFor();
    await nodeNamed(ada, 'web').click();
    const replicas = ada.getByLabel('Replicas', { exact: true });
    await replicas.fill('5');
    await replicas.press('Tab');
    await ada.getByRole('button', { name: 'Add Service', exact: true }).click();
    await nodeNamed(ada, 'service').waitFor();
    await expect.poll(() => localUpdates(ada, designId)).toBeGreaterThan(1);

    const port = Number(new URL(hub.url).port);
    const back = await startTestHub({ data: hub.data, port, webRoot: inject('webRoot') });
    await ada.locator('[data-status="saved"]').waitFor({ timeout: 20_000 });
    const { body } = await api<LayoutDetail>(back.url, 'GET', `/api/designs/${designId}`);
    expect(body.components.map((component) => component.name).sort()).toEqual(['service', 'web']);
    expect(body.components.find((c) => c.name === 'web')!.config.spec?.replicas).toBe(5);
  });
});
