/**
 * Starting a sandbox cluster for tests: real LMDB files in a temp folder, a real HTTP server on
 * a free port, and a `KubeConfig` loaded from the kubeconfig file it writes — the same way the
 * hub and `kubectl` reach it. Stopped when the test finishes, pass or fail.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { Agent, fetch, type RequestInit, type Response } from 'undici';
import { onTestFinished } from 'vitest';
import { silentLogger } from '../../server/log.js';
import { openDatabases } from '../../server/store/database.js';
import { startSandbox, type SandboxOptions } from '../../server/sandbox/sandbox.js';
import { tempDir } from './tempDir.js';

export interface TestSandbox {
  url: string;
  data: string;
  kubeconfigPath: string;
  kc: KubeConfig;
  /** A raw HTTPS request to the sandbox, trusting its CA; `token` replaces the kubeconfig's. */
  request(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

type Overrides = Partial<
  Pick<SandboxOptions, 'reset' | 'historyLimit' | 'watchLimits' | 'timings'>
> & {
  data?: string;
};

export async function startTestSandbox(overrides: Overrides = {}): Promise<TestSandbox> {
  const data = overrides.data ?? (await tempDir());
  const db = openDatabases(data);
  const { data: _data, ...options } = overrides;
  const sandbox = await startSandbox({ db: db.sandbox, data, logger: silentLogger, ...options });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await sandbox.close();
    await db.root.close();
  };
  onTestFinished(close);
  const kc = new KubeConfig();
  kc.loadFromFile(sandbox.kubeconfigPath);
  const ca = Buffer.from(kc.getCurrentCluster()!.caData!, 'base64').toString();
  const dispatcher = new Agent({ connect: { ca } });
  onTestFinished(() => dispatcher.close());
  const request = (
    path: string,
    { token, ...init }: RequestInit & { token?: string | null } = {},
  ) => {
    const bearer = token === undefined ? kc.getCurrentUser()!.token : token;
    const headers = { ...(init.headers as Record<string, string> | undefined) };
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    return fetch(sandbox.url + path, { ...init, headers, dispatcher });
  };
  return { url: sandbox.url, data, kubeconfigPath: sandbox.kubeconfigPath, kc, request, close };
}
