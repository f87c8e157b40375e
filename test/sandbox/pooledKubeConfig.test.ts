/**
 * PooledKubeConfig: every request of one cluster and user goes through one dispatcher (one
 * connection pool), where stock client-node 2.x makes a new one per request; and no request
 * waits forever, while watches stay open.
 */
import {
  CoreV1Api,
  HttpMethod,
  KubeConfig,
  RequestContext,
  VersionApi,
  Watch,
} from '@kubernetes/client-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PooledKubeConfig } from '../../server/kube/pooledKubeConfig.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { silentServer } from '../helpers/silentServer.js';

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

  it('gives up on a cluster that never answers, and leaves watches open past that time', async () => {
    const sandbox = await startTestSandbox();
    const timeoutMs = 300;
    const silent = new PooledKubeConfig(timeoutMs);
    silent.loadFromFile(sandbox.kubeconfigPath);
    const server = `https://127.0.0.1:${await silentServer()}`;
    silent.clusters = silent.clusters.map((cluster) => ({ ...cluster, server }));
    onTestFinished(() => silent.close());
    const started = performance.now();
    await expect(silent.makeApiClient(VersionApi).getCode()).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(10 * timeoutMs);

    const pooled = new PooledKubeConfig(timeoutMs);
    pooled.loadFromFile(sandbox.kubeconfigPath);
    onTestFinished(() => pooled.close());
    const seen: string[] = [];
    const request = await new Watch(pooled).watch(
      '/api/v1/namespaces/default/configmaps',
      {},
      (_type, object: { metadata: { name: string } }) => seen.push(object.metadata.name),
      () => undefined,
    );
    onTestFinished(() => request.abort());
    await new Promise((resolve) => setTimeout(resolve, 3 * timeoutMs));
    await pooled.makeApiClient(CoreV1Api).createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'late' } },
    });
    await expect.poll(() => seen).toContain('late');
  });
});
