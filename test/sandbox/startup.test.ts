/**
 * The sandbox as the hub and `weft sandbox` start it: a kubeconfig in the data folder that
 * client-node uses as is, a clean exit on SIGTERM, and the same credentials on the next start.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { spawnHub } from '../helpers/hub.js';
import { tempDir } from '../helpers/tempDir.js';

const nodesThrough = async (kubeconfigPath: string) => {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return (await kc.makeApiClient(CoreV1Api).listNode()).items.map((node) => node.metadata?.name);
};

/** Runs `weft sandbox`, resolving with its printed lines once it names its kubeconfig. */
async function spawnSandbox(data: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/main.ts', 'sandbox', '--data', data],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line.startsWith('kubeconfig: ')) resolve();
    });
    void exited.then((code) => reject(new Error(`weft sandbox exited with ${code}`)));
  });
  return { child, lines, exited };
}

describe('sandbox start-up', () => {
  it('starts with the hub, writes a kubeconfig client-node uses, and stops on SIGTERM', async () => {
    const data = await tempDir();
    const hub = await spawnHub(['--data', data, '--sandbox']);
    const kubeconfigPath = join(data, 'sandbox.kubeconfig');
    expect(await nodesThrough(kubeconfigPath)).toEqual([
      'sandbox-node-1',
      'sandbox-node-2',
      'sandbox-node-3',
    ]);
    const kubeconfig = await readFile(kubeconfigPath, 'utf8');
    expect(kubeconfig).toMatch(/server: https:\/\/127\.0\.0\.1:\d+/);
    expect(kubeconfig).toContain('current-context: sandbox');
    expect(await hub.stop('SIGTERM')).toBe(0);
  });

  it('runs alone as `weft sandbox`, and keeps its token and objects for the next start', async () => {
    const data = await tempDir();
    const first = await spawnSandbox(data);
    expect(first.lines[0]).toMatch(/^weft sandbox listening on https:\/\/127\.0\.0\.1:\d+$/);
    expect(first.lines[1]).toBe(`kubeconfig: ${join(data, 'sandbox.kubeconfig')}`);
    const kc = new KubeConfig();
    kc.loadFromFile(join(data, 'sandbox.kubeconfig'));
    const token = kc.getCurrentUser()?.token;
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'kept' } } });
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await spawnSandbox(data);
    const again = new KubeConfig();
    again.loadFromFile(join(data, 'sandbox.kubeconfig'));
    expect(again.getCurrentUser()?.token).toBe(token);
    const namespaces = await again.makeApiClient(CoreV1Api).listNamespace();
    expect(namespaces.items.map((namespace) => namespace.metadata?.name)).toContain('kept');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
