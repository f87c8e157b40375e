/**
 * Running the real `kubectl` against a sandbox, as a user would: its kubeconfig, and a discovery
 * cache of the test's own so that one test's cached API list never answers for another's.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tempDir } from './tempDir.js';

export const KUBECTL = '/usr/bin/kubectl';

/** Tests that drive kubectl are skipped where it is not installed. */
export const hasKubectl = existsSync(KUBECTL);

/** Longer than any one command of a test should take, shorter than the test's own timeout. */
const KUBECTL_TIMEOUT_MS = 25_000;

export interface KubectlTarget {
  kubeconfigPath: string;
  /** `--cache-dir`; a fresh one for each command when absent. */
  cacheDir?: string;
}

export interface KubectlResult {
  /** The exit code; `null` when kubectl was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs kubectl with `args` and resolves with how it exited, whatever the code. */
export async function tryKubectl(target: KubectlTarget, ...args: string[]): Promise<KubectlResult> {
  const cacheDir = target.cacheDir ?? (await tempDir('weft-kubectl-'));
  const argv = ['--kubeconfig', target.kubeconfigPath, '--cache-dir', cacheDir, ...args];
  return new Promise((resolve, reject) => {
    execFile(KUBECTL, argv, { timeout: KUBECTL_TIMEOUT_MS }, (error, stdout, stderr) => {
      // A string code is the spawn's own failure (ENOENT), not kubectl's exit code.
      const code = error ? error.code : 0;
      if (typeof code === 'string') reject(error);
      else resolve({ code: code ?? null, stdout, stderr });
    });
  });
}

/**
 * Runs kubectl with `args`; resolves to its output, and rejects with its error output when it
 * exits non-zero.
 *
 * @example await kubectl(sandbox, 'get', 'deploy', 'web', '-o', 'yaml')
 */
export async function kubectl(target: KubectlTarget, ...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await tryKubectl(target, ...args);
  if (code !== 0) throw new Error(`kubectl ${args.join(' ')} exited with ${code}:\n${stderr}`);
  return stdout;
}
