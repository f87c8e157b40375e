/**
 * `weft sandbox`: the sandbox cluster without the hub, for pointing `kubectl` at it. It opens
 * the same data folder the hub would (run one or the other on a folder, not both at once).
 */
import { mkdirSync } from 'node:fs';
import type { HubConfig } from '../config.js';
import type { Logger } from '../log.js';
import { openDatabases } from '../store/database.js';
import { startSandbox, type Sandbox } from './sandbox.js';

export async function startStandaloneSandbox(config: HubConfig, logger: Logger): Promise<Sandbox> {
  mkdirSync(config.data, { recursive: true });
  const db = openDatabases(config.data);
  const sandbox = await startSandbox({
    db: db.sandbox,
    data: config.data,
    reset: config.sandboxReset,
    timings: { podStartMs: config.sandboxPodStartMs },
    logger,
  });
  return {
    ...sandbox,
    close: async () => {
      await sandbox.close();
      await db.root.close();
    },
  };
}
