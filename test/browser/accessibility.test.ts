import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  focusedWithoutRing,
  focusWithoutRing,
  lowContrastTexts,
  unnamedControls,
} from '../helpers/accessibility.js';
import { api, importDesign } from '../helpers/api.js';
import { ADA, nodeNamed, openEditor, openPage, startEditorHub } from '../helpers/editor.js';
import { SETTINGS, WEB_DEPLOYMENT, WEB_SERVICE } from '../helpers/webManifests.js';

/** Every check on what the page shows now, named so a failure says where. */
async function audit(page: Page, where: string) {
  return {
    where,
    lowContrast: await lowContrastTexts(page),
    unnamed: await unnamedControls(page),
    focusedWithoutRing: await focusedWithoutRing(page),
  };
}

const clean = (where: string) => ({
  where,
  lowContrast: [],
  unnamed: [],
  focusedWithoutRing: null,
});

/** Where keyboard focus is: inside the dialog or menu named, or elsewhere. */
const focusIsIn = (page: Page, selector: string) =>
  page.evaluate((inside) => Boolean(document.activeElement?.closest(inside)), selector);

describe('accessibility in Chromium', () => {
  it.each(['light', 'dark'] as const)(
    'keeps text readable, every control named and focus visible, in the %s theme',
    async (scheme) => {
      const { hub, browser } = await startEditorHub();
      const designId = await importDesign(
        hub.url,
        `${WEB_DEPLOYMENT}---\n${WEB_SERVICE}---\n${SETTINGS}`,
      );

      const list = await openPage(browser, `${hub.url}/`, ADA);
      await list.emulateMedia({ colorScheme: scheme });
      await list.getByRole('link', { name: 'imported' }).waitFor();
      expect(await audit(list, 'designs list')).toEqual(clean('designs list'));

      // Dialogs take focus when they open and give it back when Escape closes them.
      const importButton = list.getByRole('button', { name: 'Import YAML…' });
      await importButton.press('Enter');
      await list.getByRole('dialog').waitFor();
      expect(await focusIsIn(list, 'dialog')).toBe(true);
      expect(await audit(list, 'import dialog')).toEqual(clean('import dialog'));
      await list.keyboard.press('Escape');
      await list.getByRole('dialog').waitFor({ state: 'detached' });
      expect(await importButton.evaluate((button) => button === document.activeElement)).toBe(true);

      await list.getByRole('button', { name: 'Delete', exact: true }).press('Enter');
      await list.getByRole('dialog', { name: 'Delete design?' }).waitFor();
      expect(await focusIsIn(list, 'dialog')).toBe(true);
      expect(await audit(list, 'delete confirmation')).toEqual(clean('delete confirmation'));
      await list.keyboard.press('Escape');

      await list.getByRole('button', { name: ADA.name }).click();
      await list.getByRole('form', { name: 'Your name and colour' }).waitFor();
      expect(await audit(list, 'identity form')).toEqual(clean('identity form'));

      const editor = await openEditor(browser, hub, designId, ADA);
      await editor.emulateMedia({ colorScheme: scheme });
      const edge = editor.getByRole('group', { name: /^network from web to web/ });
      await edge.waitFor({ state: 'attached' });
      await nodeNamed(editor, 'web').first().click();
      await editor.getByText(/^More settings/).click();
      // The panel's relationship list, with its buttons, is part of what is checked.
      await editor
        .getByRole('region', { name: 'Relationships' })
        .getByRole('button', { name: /^Accept/ })
        .waitFor();
      expect(await audit(editor, 'editor, properties')).toEqual(clean('editor, properties'));

      await editor.getByLabel('Search components').fill('role');
      await editor.getByRole('button', { name: 'Add RoleBinding' }).waitFor();
      expect(await audit(editor, 'palette search')).toEqual(clean('palette search'));
      await editor.getByLabel('Search components').fill('no such kind');
      await editor.getByText(/^No component matches/).waitFor();
      expect(await audit(editor, 'palette, nothing found')).toEqual(
        clean('palette, nothing found'),
      );
      await editor.getByLabel('Search components').fill('');

      await edge.focus();
      await editor.keyboard.press('Shift+F10');
      await editor.getByRole('menu', { name: 'Relationship' }).waitFor();
      expect(await focusIsIn(editor, '[role="menu"]')).toBe(true);
      expect(await audit(editor, 'relationship menu')).toEqual(clean('relationship menu'));
      await editor.keyboard.press('Escape');

      await editor.getByRole('tab', { name: 'Findings' }).click();
      await editor.getByRole('list', { name: 'Findings' }).locator('.severity').first().waitFor();
      expect(await audit(editor, 'editor, findings')).toEqual(clean('editor, findings'));
      // Keyboard users see where they are: the first 25 stops of the editor all show a ring.
      expect(await focusWithoutRing(editor, 25)).toEqual([]);

      const embed = await openPage(browser, `${hub.url}/embed/designs/${designId}`);
      await embed.emulateMedia({ colorScheme: scheme });
      await nodeNamed(embed, 'settings').waitFor();
      expect(await audit(embed, 'embed')).toEqual(clean('embed'));

      // The error states say what to do, readably.
      const missing = await openPage(browser, `${hub.url}/designs/no-such-design`, ADA);
      await missing.emulateMedia({ colorScheme: scheme });
      await missing
        .getByRole('link', { name: /designs/i })
        .first()
        .waitFor();
      expect(await audit(missing, 'unknown design')).toEqual(clean('unknown design'));

      await api(hub.url, 'DELETE', `/api/designs/${designId}`);
      await editor.getByRole('alert').filter({ hasText: 'This design was deleted' }).waitFor();
      expect(await audit(editor, 'design deleted')).toEqual(clean('design deleted'));
    },
  );

  it.each(['light', 'dark'] as const)(
    'keeps the deploy panel, connections and cluster pages readable and named, in the %s theme',
    async (scheme) => {
      const { hub, browser } = await startEditorHub({ sandbox: true, sandboxPodStartMs: 20 });
      const designId = await importDesign(hub.url, `${WEB_DEPLOYMENT}---\n${WEB_SERVICE}`);

      const editor = await openEditor(browser, hub, designId, ADA);
      await editor.emulateMedia({ colorScheme: scheme });
      await editor.getByRole('tab', { name: 'Deploy' }).click();
      await editor.getByRole('button', { name: 'Deploy', exact: true }).click();
      await editor.locator('article[data-state="succeeded"]').waitFor();
      await editor.locator('[data-deploy="ready"]').first().waitFor();
      expect(await audit(editor, 'deploy panel')).toEqual(clean('deploy panel'));

      const connections = await openPage(browser, `${hub.url}/connections`, ADA);
      await connections.emulateMedia({ colorScheme: scheme });
      await connections.locator('[data-state="reachable"]').waitFor();
      await connections.getByText('Add a connection…').click();
      expect(await audit(connections, 'connections')).toEqual(clean('connections'));

      const cluster = await openPage(browser, `${hub.url}/clusters/sandbox`, ADA);
      await cluster.emulateMedia({ colorScheme: scheme });
      await cluster.locator('[data-state="live"]').waitFor();
      await cluster.locator('.svelte-flow__node:has([data-kind="Pod"])').first().click();
      await cluster.getByRole('region', { name: /^Logs of / }).waitFor();
      expect(await audit(cluster, 'cluster, pod')).toEqual(clean('cluster, pod'));
      await cluster.locator('.svelte-flow__node:has([data-kind="Deployment"])').first().click();
      await cluster.getByRole('button', { name: 'Scale' }).waitFor();
      expect(await audit(cluster, 'cluster, deployment')).toEqual(clean('cluster, deployment'));
      await cluster.getByRole('tab', { name: 'Events' }).click();
      expect(await audit(cluster, 'cluster, events')).toEqual(clean('cluster, events'));
      await cluster.getByRole('tab', { name: 'Activity' }).click();
      expect(await audit(cluster, 'cluster, activity')).toEqual(clean('cluster, activity'));
      expect(await focusWithoutRing(cluster, 15)).toEqual([]);

      const unknown = await openPage(browser, `${hub.url}/clusters/no-such-cluster`, ADA);
      await unknown.emulateMedia({ colorScheme: scheme });
      await unknown.getByRole('alert').filter({ hasText: 'no connection' }).waitFor();
      expect(await audit(unknown, 'unknown cluster')).toEqual(clean('unknown cluster'));
    },
  );
});
