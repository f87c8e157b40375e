/**
 * Starts the built-in sandbox cluster: its state from the hub's LMDB environment, its API on a
 * free loopback port, and `<data>/sandbox.kubeconfig` for `kubectl` and the hub's own client to
 * reach it — over HTTPS with a bearer token, like any other cluster.
 */
import { writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import type { Logger } from '../log.js';
import { bootstrap } from './bootstrap.js';
import { DEFAULT_TIMINGS, type SandboxTimings } from './controllers/controllerContext.js';
import { startControllers } from './controllers/index.js';
import { keepCredentials, sandboxCredentials, type SandboxCredentials } from './credentials.js';
import { ObjectStore, type SandboxDatabase } from './objectStore.js';
import { ResourceCatalog } from './resourceCatalog.js';
import { ResourceService } from './resourceService.js';
import { createSandboxApp } from './sandboxApp.js';
import { DEFAULT_WATCH_LIMITS, Watches, type WatchLimits } from './watchStream.js';

export const KUBECONFIG_FILE = 'sandbox.kubeconfig';

export interface SandboxOptions {
  db: SandboxDatabase;
  /** The data folder, where the kubeconfig is written. */
  data: string;
  /** `--sandbox-reset`: forget every object before starting. */
  reset?: boolean;
  /** How many recent events watches can resume from (tests make it small to see 410s). */
  historyLimit?: number;
  watchLimits?: Partial<WatchLimits>;
  /** How fast simulated pods start and Job pods finish. */
  timings?: Partial<SandboxTimings>;
  logger: Logger;
}

export interface Sandbox {
  /** `https://127.0.0.1:PORT`. */
  url: string;
  kubeconfigPath: string;
  /** Ends watches, stops listening and waits for every write to reach the disk. */
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { db, logger } = options;
  const credentials = await sandboxCredentials(db);
  if (options.reset) {
    await db.clearAsync();
    await keepCredentials(db, credentials);
  }
  const store = new ObjectStore(
    db,
    (error) => logger.error('sandbox write failed', error),
    options.historyLimit,
  );
  const catalog = new ResourceCatalog();
  const resources = new ResourceService(store);
  const watches = new Watches(store, { ...DEFAULT_WATCH_LIMITS, ...options.watchLimits });
  bootstrap(resources, catalog);
  const timings = { ...DEFAULT_TIMINGS, ...options.timings };
  const stopControllers = startControllers({ resources, store, catalog, timings, logger });

  const app = createSandboxApp({
    catalog,
    resources,
    watches,
    logIntervalMs: timings.logIntervalMs,
    token: credentials.token,
    onInternalError: (error) => logger.error('sandbox request failed', error),
  });
  const server = createAdaptorServer({
    fetch: app.fetch,
    createServer,
    serverOptions: { key: credentials.privateKey, cert: credentials.certificate, noDelay: true },
  }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfigPath = join(options.data, KUBECONFIG_FILE);
  await writeFile(kubeconfigPath, kubeconfig(url, credentials), { mode: 0o600 });

  return {
    url,
    kubeconfigPath,
    close: async () => {
      const stopped = new Promise((resolve) => server.close(resolve));
      stopControllers();
      watches.closeAll();
      server.closeAllConnections();
      await stopped;
      await store.flushed();
    },
  };
}

function kubeconfig(server: string, { token, certificate }: SandboxCredentials): string {
  return `apiVersion: v1
kind: Config
clusters:
  - name: sandbox
    cluster:
      server: ${server}
      certificate-authority-data: ${Buffer.from(certificate).toString('base64')}
users:
  - name: sandbox
    user:
      token: ${token}
contexts:
  - name: sandbox
    context:
      cluster: sandbox
      user: sandbox
      namespace: default
current-context: sandbox
preferences: {}
`;
}
