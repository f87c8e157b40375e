/**
 * Browser tests of the web client: a hub serving the client built for this run, and pages for
 * named people (their identity preset, as if chosen on an earlier visit). Any error a page
 * throws fails the test.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, Locator, Page } from 'playwright-core';
import { expect, inject, onTestFinished } from 'vitest';
import { launchBrowser } from './browser.js';
import { startTestHub, type TestHub } from './hub.js';

type HubOptions = Parameters<typeof startTestHub>[0];

export interface Person {
  name: string;
  color: string;
}

export const ADA: Person = { name: 'Ada', color: '#e5484d' };
export const GRACE: Person = { name: 'Grace', color: '#0090ff' };

export async function startEditorHub(
  options: HubOptions = {},
): Promise<{ hub: TestHub; browser: Browser }> {
  const hub = await startTestHub({ ...options, webRoot: inject('webRoot') });
  return { hub, browser: await launchBrowser() };
}

/** A page in its own browser context (its own storage), as a separate person would have. */
export async function openPage(browser: Browser, url: string, person?: Person): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // Shorter than the test's own timeout, so a stuck step names itself.
  context.setDefaultTimeout(10_000);
  if (person) {
    await context.addInitScript((identity) => {
      localStorage.setItem('weft:identity', JSON.stringify(identity));
    }, person);
  }
  const page = await context.newPage();
  const errors: string[] = [];
  const warnings: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  onTestFinished(() => {
    expect(errors, 'errors thrown in the page').toEqual([]);
    expect(warnings, 'warnings logged by the page').toEqual([]);
  });
  await page.goto(url);
  return page;
}

/** Opens the editor on a design and waits until it has loaded. */
export async function openEditor(
  browser: Browser,
  hub: TestHub,
  designId: string,
  person: Person,
): Promise<Page> {
  const page = await openPage(browser, `${hub.url}/designs/${designId}`, person);
  await page.locator('[data-status="saved"]').waitFor();
  return page;
}

/** The canvas node of the component with this name. */
export const nodeNamed = (page: Page, name: string) =>
  page.locator(`.svelte-flow__node:has([data-name="${name}"])`);

/** Keeps a screenshot under the git-ignored `test-artifacts/`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir('test-artifacts', { recursive: true });
  await page.screenshot({ path: `test-artifacts/${name}.png` });
}

/** Drags with the mouse from the middle of `handle` to a point on the page. */
export async function dragTo(page: Page, handle: Locator, x: number, y: number) {
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(x, y, { steps: 12 });
  await page.mouse.up();
}

/** Drags `handle` by an offset on the page. */
export async function dragBy(page: Page, handle: Locator, dx: number, dy: number) {
  const box = (await handle.boundingBox())!;
  await dragTo(page, handle, box.x + box.width / 2 + dx, box.y + box.height / 2 + dy);
}

/** Waits until the hub has acknowledged everything this page wrote (the status says Saved). */
export async function untilSaved(page: Page): Promise<void> {
  await expect.poll(() => page.locator('[data-status]').getAttribute('data-status')).toBe('saved');
}
