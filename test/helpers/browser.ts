/**
 * Debian's Chromium driven by playwright-core, closed when the test finishes.
 */
import { chromium, type Browser } from 'playwright-core';
import { onTestFinished } from 'vitest';
import { CHROMIUM_LAUNCH } from './chromium.js';

export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  onTestFinished(() => browser.close());
  return browser;
}
