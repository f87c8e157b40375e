import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { api, createDesign, type DesignJson } from '../helpers/api.js';
import {
  ADA,
  GRACE,
  nodeNamed,
  openEditor,
  openPage,
  screenshot,
  startEditorHub,
} from '../helpers/editor.js';
import { waitFor } from '../helpers/wait.js';

interface StoredComponent {
  id: string;
  kind: string;
  name: string;
  config: {
    spec?: { replicas?: number; template?: { spec?: { containers?: { image?: string }[] } } };
  };
}

const WEB_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default, labels: { app: web } }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: app, image: "nginx:1.27" }]
`;

async function importDesign(base: string, yaml: string): Promise<string> {
  const response = await fetch(`${base}/api/designs/import?name=imported`, {
    method: 'POST',
    body: yaml,
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as DesignJson).id;
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

/** Fills a property field and commits it the way a person does: by leaving the field. */
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
    await ada.locator('.svelte-flow__edge.inferred').waitFor();
    await screenshot(ada, 'editor-inferred-edge');
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
