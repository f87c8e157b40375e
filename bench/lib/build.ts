/**
 * Benchmarks measure the compiled code, exactly what `npm start` runs: this compiles the server
 * and `shared/` (tsc → dist/) once per benchmark process.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
let built = false;

export function buildOnce(): void {
  if (built) return;
  const result = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('compiling the project failed');
  built = true;
}

/** The compiled module of a source file, e.g. `shared/relationships/engine.ts`. */
export function compiledUrl(sourcePath: string): string {
  return new URL(`dist/${sourcePath.replace(/\.ts$/, '.js')}`, `file://${PROJECT_ROOT}`).href;
}
