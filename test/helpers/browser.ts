/**
 * Debian's Chromium driven by playwright-core, closed when the test finishes.
 */
import { chromium, type Browser } from 'playwright-core';
import { onTestFinished } from 'vitest';

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
  onTestFinished(() => browser.close());
  return browser;
}
