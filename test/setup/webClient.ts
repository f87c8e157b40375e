/**
 * Builds the web client once per test run into a temporary folder; browser tests serve it
 * from their hubs (`inject('webRoot')`). Building here keeps tests independent of `dist/`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    webRoot: string;
  }
}

export default async function buildWebClient(project: TestProject): Promise<() => Promise<void>> {
  const webRoot = await mkdtemp(join(tmpdir(), 'weft-web-'));
  await build({
    configFile: 'web/vite.config.ts',
    logLevel: 'silent',
    build: { outDir: webRoot, emptyOutDir: true },
  });
  project.provide('webRoot', webRoot);
  return () => rm(webRoot, { recursive: true, force: true });
}
