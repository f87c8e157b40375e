#!/usr/bin/env node
/**
 * `weft`: starts the hub and prints `weft listening on http://HOST:PORT` once it accepts
 * connections. `weft sandbox` starts only the sandbox cluster and prints its kubeconfig's path.
 * SIGTERM/SIGINT flush every pending write and exit 0.
 */
import { ConfigError, parseConfig, USAGE } from './config.js';
import { startHub } from './hub.js';
import { startStandaloneSandbox } from './sandbox/standalone.js';
import { createLogger } from './log.js';
import { tolerateCommitFailures } from './store/commitFailures.js';

const logger = createLogger();

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const sandboxOnly = command === 'sandbox';
  const config = parseConfig(sandboxOnly ? rest : process.argv.slice(2), process.env);
  if (config === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  tolerateCommitFailures();
  let running: { close(): Promise<void> };
  if (sandboxOnly) {
    const sandbox = await startStandaloneSandbox(config, logger);
    process.stdout.write(
      `weft sandbox listening on ${sandbox.url}\nkubeconfig: ${sandbox.kubeconfigPath}\n` +
        `try: kubectl --kubeconfig ${sandbox.kubeconfigPath} get nodes\n`,
    );
    running = sandbox;
  } else {
    const hub = await startHub(config, logger);
    process.stdout.write(`weft listening on ${hub.url}\n`);
    if (hub.sandbox) logger.info(`sandbox cluster: kubeconfig ${hub.sandbox.kubeconfigPath}`);
    running = hub;
  }
  logger.info(`data in ${config.data}`);

  const shutdown = (signal: string) => {
    logger.info(`${signal}: flushing and shutting down`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`weft: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  logger.error('the hub could not start', error);
  process.exit(1);
});
