import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { focusWithoutRing, lowContrastTexts, unnamedControls } from '../helpers/accessibility.js';
import { importDesign } from '../helpers/api.js';
import { ADA, nodeNamed, openEditor, openPage, startEditorHub } from '../helpers/editor.js';
import { SETTINGS, WEB_DEPLOYMENT, WEB_SERVICE } from '../helpers/webManifests.js';

/** Both checks on what the page shows now, named so a failure says where. */
async function audit(page: Page, where: string) {
  return {
    where,
    lowContrast: await lowContrastTexts(page),
    unnamed: await unnamedControls(page),
  };
}

const clean = (where: string) => ({ where, lowContrast: [], unnamed: [] });

describe('accessibility in Chromium', () => {
  it.each(['light', 'dark'] as const)(
    'keeps text readable and every control named, in the %s theme',
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

      const editor = await openEditor(browser, hub, designId, ADA);
      await editor.emulateMedia({ colorScheme: scheme });
      await editor.locator('.svelte-flow__edge.inferred').waitFor({ state: 'attached' });
      await nodeNamed(editor, 'web').first().click();
      await editor.getByText(/^More settings/).click();
      expect(await audit(editor, 'editor, properties')).toEqual(clean('editor, properties'));

      await editor.getByRole('tab', { name: 'Findings' }).click();
      await editor.getByRole('list', { name: 'Findings' }).locator('.severity').first().waitFor();
      expect(await audit(editor, 'editor, findings')).toEqual(clean('editor, findings'));
      // Keyboard users see where they are: the first 25 stops of the editor all show a ring.
      expect(await focusWithoutRing(editor, 25)).toEqual([]);

      const embed = await openPage(browser, `${hub.url}/embed/designs/${designId}`);
      await embed.emulateMedia({ colorScheme: scheme });
      await nodeNamed(embed, 'settings').waitFor();
      expect(await audit(embed, 'embed')).toEqual(clean('embed'));
    },
  );
});
