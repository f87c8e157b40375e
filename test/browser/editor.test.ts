import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { api, createDesign, importDesign, type DesignJson } from '../helpers/api.js';
import { readDerivedRelationships } from '../../shared/design/derived.js';
import { overviewPaintedAt, screenPoint } from '../helpers/canvas.js';
import { connectClient } from '../helpers/client.js';
import {
  ADA,
  dragBy,
  dragTo,
  GRACE,
  nodeNamed,
  openEditor,
  openPage,
  screenshot,
  startEditorHub,
} from '../helpers/editor.js';
import { waitFor } from '../helpers/wait.js';
import { SETTINGS, SHOP_NAMESPACE, WEB_DEPLOYMENT, WEB_SERVICE } from '../helpers/webManifests.js';

interface StoredComponent {
  id: string;
  kind: string;
  name: string;
  config: {
    spec?: { replicas?: number; template?: { spec?: { containers?: { image?: string }[] } } };
  };
}

async function components(base: string, designId: string): Promise<StoredComponent[]> {
  const { body } = await api<{ components: StoredComponent[] }>(
    base,
    'GET',
    `/api/designs/${designId}`,
  );
  return body.components;
}

const deploymentOf = async (base: string, designId: string) =>
  (await components(base, designId)).find((component) => component.kind === 'Deployment');

interface Detail {
  components: { id: string; name: string }[];
  relationships: { id: string; origin: string; subType: string; from: string; to: string }[];
}

interface LayoutDetail {
  components: { id: string; kind: string; name: string; parent?: string }[];
  layout: Record<string, { x: number; y: number; w?: number; h?: number }>;
}

/** Fills a property field and commits it the way a person does: by leaving the field. */
/** YAML of `count` ConfigMaps: a design of many components with nothing between them. */
const configMaps = (count: number): string =>
  Array.from(
    { length: count },
    (_, index) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings-${index} }\n`,
  ).join('---\n');

async function setProperty(page: Page, label: string, value: string) {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(value);
  await field.press('Tab');
}

describe('the design editor in Chromium', () => {
  it('shows a component one person adds to everyone else, saved, and after a reload', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await createDesign(hub.url, 'Shop');
    const ada = await openEditor(browser, hub, designId, ADA);
    const grace = await openEditor(browser, hub, designId, GRACE);

    await ada.getByRole('button', { name: 'Add Deployment' }).click();
    await nodeNamed(grace, 'deployment').waitFor();
    await ada.locator('[data-status="saved"]').waitFor();
    expect((await components(hub.url, designId)).map((c) => c.name)).toEqual(['deployment']);
    await screenshot(ada, 'editor');

    await grace.reload();
    await nodeNamed(grace, 'deployment').waitFor();
  });

  it('keeps concurrent edits of different fields, and undo takes back only one’s own', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, WEB_DEPLOYMENT);
    const ada = await openEditor(browser, hub, designId, ADA);
    const grace = await openEditor(browser, hub, designId, GRACE);
    await nodeNamed(ada, 'web').click();
    await nodeNamed(grace, 'web').click();

    await Promise.all([
      setProperty(ada, 'Replicas', '5'),
      setProperty(grace, 'Image', 'nginx:1.28'),
    ]);
    await waitFor(
      async () => {
        const web = await deploymentOf(hub.url, designId);
        return (
          web?.config.spec?.replicas === 5 &&
          web.config.spec.template?.spec?.containers?.[0]?.image === 'nginx:1.28'
        );
      },
      { what: 'both edits on the hub' },
    );

    await ada.locator('.svelte-flow__pane').click();
    await ada.keyboard.press('Control+z');
    await waitFor(
      async () => (await deploymentOf(hub.url, designId))?.config.spec?.replicas === 2,
      {
        what: 'Ada’s edit to be undone',
      },
    );
    const web = await deploymentOf(hub.url, designId);
    expect(web?.config.spec?.template?.spec?.containers?.[0]?.image).toBe('nginx:1.28');
    await expect.poll(() => grace.getByLabel('Replicas', { exact: true }).inputValue()).toBe('2');
  });

  it('resizes a selected container by its handles, never over its children, and undo takes it back', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, SHOP_NAMESPACE);
    const ada = await openEditor(browser, hub, designId, ADA);
    const detail = async () =>
      (await api<LayoutDetail>(hub.url, 'GET', `/api/designs/${designId}`)).body;
    const { components, layout: imported } = await detail();
    const namespaceId = components.find((c) => c.kind === 'Namespace')!.id;
    const webId = components.find((c) => c.name === 'web')!.id;
    const shop = nodeNamed(ada, 'shop');
    const widthBefore = await shop.evaluate((element) => (element as HTMLElement).offsetWidth);
    await shop.locator('.title').click();

    // The bottom-right corner makes it larger, and the canvas draws the size stored.
    await dragBy(ada, shop.locator('.svelte-flow__resize-control.handle.bottom.right'), 160, 100);
    await expect
      .poll(async () => (await detail()).layout[namespaceId]!.w ?? 0)
      .toBeGreaterThan(widthBefore + 50);
    const stored = (await detail()).layout[namespaceId]!;
    await expect
      .poll(() => shop.evaluate((element) => (element as HTMLElement).offsetWidth))
      .toBe(stored.w);

    // Still selected: the top-left corner, pulled in past its child, stops short of it.
    await dragBy(ada, shop.locator('.svelte-flow__resize-control.handle.top.left'), 400, 300);
    await expect.poll(async () => (await detail()).layout[namespaceId]!.h).not.toBe(stored.h);
    const { layout } = await detail();
    expect(layout[namespaceId]!.x).toBeLessThanOrEqual(layout[webId]!.x - 24);
    expect(layout[namespaceId]!.y).toBeLessThanOrEqual(layout[webId]!.y - 24);
    expect(layout[webId]).toEqual(imported[webId]);

    await ada.keyboard.press('Control+z');
    await ada.keyboard.press('Control+z');
    await expect
      .poll(async () => (await detail()).layout[namespaceId])
      .toEqual(imported[namespaceId]);

    // Auto-layout sizes containers around their children again.
    await dragBy(ada, shop.locator('.svelte-flow__resize-control.handle.bottom.right'), 120, 80);
    await expect.poll(async () => (await detail()).layout[namespaceId]!.w).toBeDefined();
    await ada.getByRole('button', { name: 'Auto-layout' }).click();
    await expect.poll(async () => (await detail()).layout[namespaceId]!.w).toBeUndefined();
    await expect
      .poll(() => shop.evaluate((element) => (element as HTMLElement).offsetWidth))
      .toBe(widthBefore);
  });

  it('nests by dragging into and out of a container, and moves a container with its children', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, SHOP_NAMESPACE);
    const ada = await openEditor(browser, hub, designId, ADA);
    const detail = async () =>
      (await api<LayoutDetail>(hub.url, 'GET', `/api/designs/${designId}`)).body;
    const parentOfWeb = async () =>
      (await detail()).components.find((component) => component.name === 'web')?.parent;
    const namespaceId = (await detail()).components.find((c) => c.kind === 'Namespace')!.id;
    expect(await parentOfWeb()).toBe(namespaceId);

    const shop = nodeNamed(ada, 'shop');
    const web = nodeNamed(ada, 'web');
    await dragBy(ada, web, 0, 400);
    await expect.poll(parentOfWeb).toBeUndefined();

    const box = (await shop.boundingBox())!;
    await dragTo(ada, web, box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(parentOfWeb).toBe(namespaceId);

    const before = (await detail()).layout;
    const webId = (await detail()).components.find((c) => c.name === 'web')!.id;
    await dragBy(ada, shop.locator('.title'), 120, 80);
    await ada.locator('[data-status="saved"]').waitFor();
    const after = (await detail()).layout;
    const moved = (id: string) => ({
      dx: after[id]!.x - before[id]!.x,
      dy: after[id]!.y - before[id]!.y,
    });
    expect(moved(namespaceId).dx).toBeGreaterThan(0);
    expect(moved(webId)).toEqual(moved(namespaceId));

    // The whole drag is one undo step.
    await ada.keyboard.press('Control+z');
    await expect.poll(async () => (await detail()).layout).toEqual(before);
  });

  it('shows other people’s cursors and selections', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, WEB_DEPLOYMENT);
    const ada = await openEditor(browser, hub, designId, ADA);
    const grace = await openEditor(browser, hub, designId, GRACE);

    await ada.mouse.move(700, 300);
    await ada.mouse.move(720, 320);
    await grace.locator('.cursor[data-peer="Ada"]').waitFor();
    await nodeNamed(ada, 'web').click();
    await expect
      .poll(() => nodeNamed(grace, 'web').locator('.remote-tag').textContent())
      .toBe('Ada');
    await expect.poll(() => ada.getByLabel('People here').textContent()).toContain('G');
    // A screen reader hears who comes and goes.
    const news = ada.getByRole('status').filter({ hasText: /joined|left/ });
    expect(await news.textContent()).toBe('Grace joined.');
    await grace.close();
    await expect.poll(() => news.textContent()).toBe('Grace left.');
  });

  it('draws the relationship inferred when a Service comes to select a Deployment', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, WEB_DEPLOYMENT);
    const ada = await openEditor(browser, hub, designId, ADA);
    await nodeNamed(ada, 'web').waitFor();
    expect(await ada.locator('.svelte-flow__edge').count()).toBe(0);

    await ada.getByRole('button', { name: 'Add Service', exact: true }).click();
    await ada.getByRole('tab', { name: 'YAML' }).click();
    const editor = ada.getByLabel('Resource YAML');
    await editor.click();
    await ada.keyboard.press('Control+a');
    await ada.keyboard.insertText(
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n',
    );
    const edge = ada.locator('.svelte-flow__edge.inferred');
    await edge.waitFor({ state: 'attached' });
    await screenshot(ada, 'editor-inferred-edge');

    // Rejecting it from the edge's menu (opened from its label) is stored in the overrides,
    // after which the hub no longer lists it among the design's relationships.
    const edgeId = await edge.getAttribute('data-id');
    const listed = async () =>
      (await api<Detail>(hub.url, 'GET', `/api/designs/${designId}`)).body.relationships.some(
        (relationship) => relationship.id === edgeId,
      );
    expect(await listed()).toBe(true);
    const label = (await ada
      .locator('.svelte-flow__edge-label', { hasText: 'network' })
      .boundingBox())!;
    await ada.mouse.click(label.x + label.width / 2, label.y + label.height / 2);
    await ada.getByRole('menuitem', { name: 'Reject' }).click();
    await ada
      .locator(`.svelte-flow__edge.rejected[data-id="${edgeId}"]`)
      .waitFor({ state: 'attached' });
    await expect.poll(listed).toBe(false);
  });

  it('opens a relationship’s menu from the keyboard, which keeps keys to itself and gives focus back', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, `${WEB_DEPLOYMENT}---\n${WEB_SERVICE}`);
    const ada = await openEditor(browser, hub, designId, ADA);
    // The decision reaches the hub, which marks the relationship in the derived room.
    const derived = connectClient(hub.wsUrl, `designs/${designId}/derived`, { readOnly: true });
    const statusOf = (edgeId: string | null) =>
      readDerivedRelationships(derived.doc).find((relationship) => relationship.id === edgeId)
        ?.status;
    // The edge is named by what it joins, not by ids, and can be reached with Tab.
    const edge = ada.getByRole('group', { name: 'network from web to web, inferred' });
    await edge.waitFor({ state: 'attached' });
    const edgeId = await edge.getAttribute('data-id');
    await nodeNamed(ada, 'web').first().click();
    await edge.focus();

    const menu = ada.getByRole('menu', { name: 'Relationship' });
    const focusedItem = () => ada.evaluate(() => document.activeElement?.textContent?.trim());
    const edgeFocused = () => edge.evaluate((element) => element === document.activeElement);
    const webSelected = async () =>
      /\bselected\b/.test((await nodeNamed(ada, 'web').first().getAttribute('class')) ?? '');
    expect(await webSelected()).toBe(true);
    await ada.keyboard.press('Shift+F10');
    await menu.waitFor();
    expect(await focusedItem()).toBe('Accept');
    await ada.keyboard.press('ArrowDown');
    expect(await focusedItem()).toBe('Reject');
    await ada.keyboard.press('ArrowDown');
    expect(await focusedItem()).toBe('Accept');
    await ada.keyboard.press('End');
    expect(await focusedItem()).toBe('Reject');
    await ada.keyboard.press('Home');
    expect(await focusedItem()).toBe('Accept');
    // Backspace and Escape in the menu are the menu's: the selected component is neither deleted
    // nor deselected, and focus goes back to the edge.
    await ada.keyboard.press('Backspace');
    await ada.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    expect(await edgeFocused()).toBe(true);
    expect(await webSelected()).toBe(true);

    await ada.keyboard.press('Enter');
    await menu.waitFor();
    expect(await focusedItem()).toBe('Accept');
    await ada.keyboard.press('Enter');
    await menu.waitFor({ state: 'detached' });
    await expect.poll(() => statusOf(edgeId)).toBe('accepted');
    expect(await edgeFocused()).toBe(true);
    expect(await components(hub.url, designId)).toHaveLength(2);
  });

  it('draws the design on one canvas zoomed far out, where components are still picked and moved', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(
      hub.url,
      `${WEB_DEPLOYMENT}---\n${WEB_SERVICE}---\n${SETTINGS}`,
    );
    const ada = await openEditor(browser, hub, designId, ADA);
    await ada.locator('.svelte-flow__edge.inferred').waitFor({ state: 'attached' });
    const overview = ada.locator('.overview');
    expect(await overview.count()).toBe(0);

    const pane = (await ada.locator('.svelte-flow').boundingBox())!;
    await ada.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
    await ada.keyboard.down('Control');
    for (let step = 0; step < 20 && (await overview.count()) === 0; step++) {
      await ada.mouse.wheel(0, 300);
    }
    await ada.keyboard.up('Control');
    await overview.waitFor();
    await expect.poll(() => overview.getAttribute('data-components')).toBe('3');
    expect(await overview.getAttribute('data-relationships')).toBe('1');
    // Nothing is selected, so Svelte Flow draws nothing: the canvas does.
    expect(await ada.locator('.svelte-flow__node').count()).toBe(0);
    expect(await ada.locator('.svelte-flow__edge').count()).toBe(0);
    await screenshot(ada, 'editor-overview');

    const { body } = await api<LayoutDetail>(hub.url, 'GET', `/api/designs/${designId}`);
    const web = body.components.find(
      (component) => component.name === 'web' && component.kind === 'Deployment',
    )!;
    const webAt = await screenPoint(ada, {
      x: body.layout[web.id]!.x + 100,
      y: body.layout[web.id]!.y + 28,
    });
    await expect.poll(() => ada.evaluate(overviewPaintedAt, webAt)).toBe(true);
    // Painted by a worker: the page handed its canvas over, so it cannot draw on it itself.
    const paintedBy = await ada.evaluate(() => {
      try {
        document.querySelector<HTMLCanvasElement>('.overview')!.getContext('2d');
        return 'page';
      } catch {
        return 'worker';
      }
    });
    expect(paintedBy).toBe('worker');
    expect(await ada.evaluate(overviewPaintedAt, { x: pane.x + 5, y: pane.y + 5 })).toBe(false);

    // A click picks the component under it, which Svelte Flow then holds, so it can be dragged.
    await ada.mouse.click(webAt.x, webAt.y);
    await nodeNamed(ada, 'web').waitFor();
    expect(await ada.getByLabel('Name', { exact: true }).inputValue()).toBe('web');
    await dragBy(ada, nodeNamed(ada, 'web'), 0, 60);
    await expect
      .poll(async () => {
        const { body: after } = await api<LayoutDetail>(hub.url, 'GET', `/api/designs/${designId}`);
        return after.layout[web.id]!.y - body.layout[web.id]!.y;
      })
      .toBeGreaterThan(100);

    // Zoomed back in, Svelte Flow draws everything again.
    await ada.getByRole('button', { name: 'Fit View' }).click();
    await overview.waitFor({ state: 'detached' });
    await ada.locator('.svelte-flow__edge.inferred').waitFor({ state: 'attached' });
    await expect.poll(() => ada.locator('.svelte-flow__node').count()).toBe(3);
  });

  it('opens a design too large to fit at a readable zoom straight into the overview', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, configMaps(160));
    // Any page of the hub's origin, to install the counter below before the editor loads.
    const ada = await openPage(browser, `${hub.url}/healthz`, ADA);
    // Svelte Flow drawing every node once, only to hide it a frame later, is what made a large
    // design slow to open; the most nodes ever attached at once tells whether it happened.
    await ada.addInitScript(`
      window.mostFlowNodes = 0;
      new MutationObserver(() => {
        const drawn = document.querySelectorAll('.svelte-flow__node').length;
        window.mostFlowNodes = Math.max(window.mostFlowNodes, drawn);
      }).observe(document, { childList: true, subtree: true });
    `);
    await ada.goto(`${hub.url}/designs/${designId}`);
    const overview = ada.locator('.overview');
    await expect.poll(() => overview.getAttribute('data-components')).toBe('160');
    expect(await ada.evaluate(() => (window as { mostFlowNodes?: number }).mostFlowNodes)).toBe(0);
  });

  it('starts from the design fetched over HTTP, so its WebSocket sync carries only the difference', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, configMaps(40));
    const ada = await openPage(browser, `${hub.url}/healthz`, ADA);
    const received: number[] = [];
    ada.on('websocket', (socket) => {
      if (!socket.url().includes(`/ws/designs/${designId}?`)) return;
      socket.on('framereceived', ({ payload }) => received.push(payload.length));
    });
    const state = ada.waitForResponse((response) => response.url().endsWith('/state'));
    await ada.goto(`${hub.url}/designs/${designId}`);
    const stateBytes = (await (await state).body()).byteLength;
    await ada.locator('[data-status="saved"]').waitFor();
    await expect.poll(() => ada.locator('.svelte-flow__node').count()).toBe(40);
    // The whole design is several kilobytes; the sync only confirms there is nothing new.
    expect(stateBytes).toBeGreaterThan(4_000);
    expect(received.length).toBeGreaterThan(0);
    expect(Math.max(...received)).toBeLessThan(stateBytes / 10);
  });

  it('opens a design whose fetched state arrives cut short from the sync alone, sending none of it', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, configMaps(12));
    const before = await api<DesignJson>(hub.url, 'GET', `/api/designs/${designId}`);
    const ada = await openPage(browser, `${hub.url}/healthz`, ADA);
    await ada.route('**/state', async (route) => {
      const response = await route.fetch();
      const body = await response.body();
      await route.fulfill({ response, body: body.subarray(0, body.length / 2) });
    });
    await ada.goto(`${hub.url}/designs/${designId}`);
    await ada.locator('[data-status="saved"]').waitFor();
    await expect.poll(() => ada.locator('.svelte-flow__node').count()).toBe(12);
    const after = await api<DesignJson>(hub.url, 'GET', `/api/designs/${designId}`);
    expect(after.body.components).toEqual(before.body.components);
  });

  it('draws a relationship between two handles as the type picked', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, `${WEB_DEPLOYMENT}---\n${SETTINGS}`);
    const ada = await openEditor(browser, hub, designId, ADA);
    const from = nodeNamed(ada, 'web').locator('.svelte-flow__handle.source');
    const to = nodeNamed(ada, 'settings').locator('.svelte-flow__handle.target');
    const target = (await to.boundingBox())!;
    await dragTo(ada, from, target.x + target.width / 2, target.y + target.height / 2);
    await ada
      .getByRole('menuitem', { name: /^reference/ })
      .first()
      .click();
    await ada.locator('.svelte-flow__edge.user').waitFor({ state: 'attached' });
    const { body } = await api<Detail>(hub.url, 'GET', `/api/designs/${designId}`);
    const ids = Object.fromEntries(body.components.map((c) => [c.name, c.id]));
    expect(body.relationships).toContainEqual(
      expect.objectContaining({
        origin: 'user',
        subType: 'reference',
        from: ids.web,
        to: ids.settings,
      }),
    );
  });

  it('lists, decides, draws and deletes a component’s relationships from its panel by keyboard', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(
      hub.url,
      `${WEB_DEPLOYMENT}---\n${WEB_SERVICE}---\n${SETTINGS}`,
    );
    const ada = await openEditor(browser, hub, designId, ADA);
    const derived = connectClient(hub.wsUrl, `designs/${designId}/derived`, { readOnly: true });
    const relationships = async () =>
      (await api<Detail>(hub.url, 'GET', `/api/designs/${designId}`)).body.relationships;
    const settings = nodeNamed(ada, 'settings');
    await settings.waitFor();
    const ids = Object.fromEntries(
      (await components(hub.url, designId)).map((c) => [`${c.kind}/${c.name}`, c.id]),
    );
    const network = await waitFor(async () =>
      readDerivedRelationships(derived.doc).find(
        (relationship) => relationship.subType === 'network',
      ),
    );

    // The Deployment's panel lists the Service's inferred network relationship to it.
    await ada.locator(`.svelte-flow__node[data-id="${ids['Deployment/web']}"]`).click();
    const list = ada.getByRole('region', { name: 'Relationships' });
    await list.getByText('network from web · inferred', { exact: true }).waitFor();
    await list.getByRole('button', { name: 'Accept: network from web' }).focus();
    await ada.keyboard.press('Enter');
    await list.getByText('network from web · inferred and accepted', { exact: true }).waitFor();
    await expect
      .poll(() => readDerivedRelationships(derived.doc).find((r) => r.id === network.id)?.status)
      .toBe('accepted');

    // A new relationship to the ConfigMap, drawn without a pointer.
    const target = ada.getByLabel('Relate to');
    await target.focus();
    while ((await target.inputValue()) !== ids['ConfigMap/settings']) {
      await ada.keyboard.press('ArrowDown');
    }
    const type = ada.getByLabel('As', { exact: true });
    const reference = await type
      .locator('option')
      .evaluateAll((options) =>
        options.findIndex((option) => option.textContent?.startsWith('reference')),
      );
    await type.focus();
    for (let step = 0; step < reference; step++) await ada.keyboard.press('ArrowDown');
    await ada.getByRole('button', { name: 'Add relationship' }).focus();
    await ada.keyboard.press('Enter');
    await list.getByText('reference to settings · drawn by hand', { exact: true }).waitFor();
    await expect.poll(relationships).toContainEqual(
      expect.objectContaining({
        origin: 'user',
        subType: 'reference',
        from: ids['Deployment/web'],
        to: ids['ConfigMap/settings'],
      }),
    );
    await ada.locator('.svelte-flow__edge.user').waitFor({ state: 'attached' });
    await screenshot(ada, 'editor-relationship-list');

    await list.getByRole('button', { name: 'Delete relationship: reference to settings' }).focus();
    await ada.keyboard.press('Enter');
    await expect
      .poll(async () => (await relationships()).filter((r) => r.origin === 'user'))
      .toEqual([]);
    expect(await list.getByText('reference to settings', { exact: false }).count()).toBe(0);
  });

  it('deletes, copies, pastes and selects everything from the keyboard, with undo and redo', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, WEB_DEPLOYMENT);
    const ada = await openEditor(browser, hub, designId, ADA);
    const names = async () => (await components(hub.url, designId)).map((c) => c.name).sort();

    await nodeNamed(ada, 'web').click();
    await ada.keyboard.press('Control+c');
    // Pasted and then all selected in one task, so before the canvas has drawn the copy:
    // select all takes it too.
    await ada.evaluate(() => {
      for (const key of ['v', 'a']) {
        window.dispatchEvent(new KeyboardEvent('keydown', { key, ctrlKey: true }));
      }
    });
    await ada.keyboard.press('Delete');
    await expect.poll(names).toEqual([]);
    await ada.keyboard.press('Control+z');
    await expect.poll(names).toEqual(['web', 'web-copy']);
    await ada.keyboard.press('Control+Shift+z');
    await expect.poll(names).toEqual([]);
  });

  it('selects a component from its finding', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, WEB_DEPLOYMENT);
    const ada = await openEditor(browser, hub, designId, ADA);
    await ada.getByRole('tab', { name: 'Findings' }).click();
    const finding = ada.getByLabel('Findings').getByRole('button').first();
    await finding.waitFor();
    expect(await finding.textContent()).toContain('web');
    await finding.click();
    await ada.getByRole('tab', { name: 'Properties' }).click();
    expect(await ada.getByLabel('Name', { exact: true }).inputValue()).toBe('web');
    expect(await nodeNamed(ada, 'web').getAttribute('class')).toContain('selected');
  });

  it('reports invalid YAML inline and never writes it', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, WEB_DEPLOYMENT);
    const ada = await openEditor(browser, hub, designId, ADA);
    await nodeNamed(ada, 'web').click();
    await ada.getByRole('tab', { name: 'YAML' }).click();
    await ada.getByLabel('Resource YAML').click();
    await ada.keyboard.press('Control+a');
    await ada.keyboard.insertText('kind: [unclosed\n');
    await ada.getByRole('alert').filter({ hasText: 'Not saved' }).waitFor();
    expect((await deploymentOf(hub.url, designId))?.config.spec?.replicas).toBe(2);
  });

  it('edits settings through a form generated from the kind’s schema, refusing invalid values', async () => {
    const { hub, browser } = await startEditorHub();
    const designId = await importDesign(hub.url, WEB_SERVICE);
    const ada = await openEditor(browser, hub, designId, ADA);
    await nodeNamed(ada, 'web').click();
    const specOf = async () =>
      (await components(hub.url, designId))[0]!.config.spec as Record<string, unknown>;

    // Set fields show at once; the selector is a string map, edited as lines.
    await expect.poll(() => ada.getByLabel(/^Selector/).inputValue()).toBe('app=web');
    // The rest of the Service's schema waits under "More settings": a choice from its enum…
    await ada.getByText(/^More settings \(\d+\)$/).click();
    await ada.getByLabel('Type', { exact: true }).selectOption('NodePort');
    await expect.poll(async () => (await specOf()).type).toBe('NodePort');
    // …and a number the schema says is whole: a fraction is reported and never written.
    const port = ada.getByLabel('Health check node port', { exact: true });
    await port.fill('1.5');
    await port.press('Tab');
    await ada.getByRole('alert').filter({ hasText: 'takes a whole number' }).waitFor();
    await port.fill('30080');
    await port.press('Tab');
    await expect.poll(async () => (await specOf()).healthCheckNodePort).toBe(30080);
    await screenshot(ada, 'editor-settings');
    expect(await ada.getByRole('alert').filter({ hasText: 'whole number' }).count()).toBe(0);
    expect((await specOf()).selector).toEqual({ app: 'web' });
  });
});

describe('the designs list in Chromium', () => {
  it('creates, renames and deletes designs, and shows who is in one', async () => {
    const { hub, browser } = await startEditorHub();
    const list = await openPage(browser, `${hub.url}/`, ADA);
    await list.getByText('No designs yet').waitFor();
    await list.getByLabel('New design name').fill('Payments');
    await list.getByRole('button', { name: 'Create' }).click();
    await list.locator('[data-status="saved"]').waitFor();
    await list.getByRole('link', { name: 'All designs' }).click();

    const designId = (await api<DesignJson[]>(hub.url, 'GET', '/api/designs')).body[0]!.id;
    await openEditor(browser, hub, designId, GRACE);
    const row = list.locator(`tr[data-design-id="${designId}"]`);
    await expect
      .poll(() => row.getByLabel('People here').locator('[title="Grace"]').count(), {
        timeout: 10_000,
      })
      .toBe(1);
    await screenshot(list, 'designs-list');

    await row.getByRole('button', { name: 'Rename' }).click();
    await list.getByLabel('New name').fill('Payments v2');
    await list.getByLabel('New name').press('Enter');
    await row.getByRole('link', { name: 'Payments v2' }).waitFor();

    await row.getByRole('button', { name: 'Delete' }).click();
    await list.getByRole('button', { name: 'Delete design' }).click();
    await list.getByText('No designs yet').waitFor();
    expect((await api<DesignJson[]>(hub.url, 'GET', '/api/designs')).body).toEqual([]);
  });
});
