/**
 * PooledKubeConfig: every request of one cluster and user goes through one dispatcher (one
 * connection pool), where stock client-node 2.x makes a new one per request.
 */
import { CoreV1Api, HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PooledKubeConfig } from '../../server/kube/pooledKubeConfig.js';
import { startTestSandbox } from '../helpers/sandbox.js';

const dispatcherOf = async (kc: KubeConfig) => {
  const context = new RequestContext(`${kc.getCurrentCluster()!.server}/api`, HttpMethod.GET);
  await kc.applySecurityAuthentication(context);
  return context.getDispatcher();
};

describe('PooledKubeConfig', () => {
  it('hands every request the same dispatcher, and requests work through it', async () => {
    const { kubeconfigPath } = await startTestSandbox();
    const stock = new KubeConfig();
    stock.loadFromFile(kubeconfigPath);
    expect(await dispatcherOf(stock)).not.toBe(await dispatcherOf(stock));

    const pooled = new PooledKubeConfig();
    pooled.loadFromFile(kubeconfigPath);
    onTestFinished(() => pooled.close());
    const first = await dispatcherOf(pooled);
    expect(first).toBeDefined();
    expect(await dispatcherOf(pooled)).toBe(first);
    const core = pooled.makeApiClient(CoreV1Api);
    const results = await Promise.all(Array.from({ length: 10 }, () => core.listNode()));
    expect(results.every((list) => list.items.length === 3)).toBe(true);
  });
});
