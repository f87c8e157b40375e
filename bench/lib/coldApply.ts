/**
 * How long a fresh Node process (stock `yjs`, cold JIT, like a client that just connected)
 * takes to apply a document state to an empty `Y.Doc`: no server can get a stock client synced
 * faster than this, however fast it answers.
 */
import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT } from './build.js';

const SCRIPT = `
import * as Y from 'yjs';
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const state = Buffer.concat(chunks);
const started = performance.now();
Y.applyUpdate(new Y.Doc(), state);
process.stdout.write(String(performance.now() - started));
`;

/** Milliseconds to apply `state`, measured in a new process pinned to `core`. */
export function coldApplyMs(state: Uint8Array, core: number): number {
  const result = spawnSync(
    'taskset',
    ['-c', String(core), process.execPath, '--input-type=module', '-e', SCRIPT],
    { input: state, cwd: PROJECT_ROOT, encoding: 'utf8' },
  );
  const ms = Number(result.stdout);
  if (result.status !== 0 || !Number.isFinite(ms)) {
    throw new Error(`applying the state in a fresh process failed: ${result.stderr}`);
  }
  return ms;
}
