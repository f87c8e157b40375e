/**
 * Pod logs through client-node: the lines a simulated container wrote, `tailLines`, `follow`
 * streaming new lines, and the 400s of a real kubelet for ambiguous or waiting containers.
 */
import { PassThrough } from 'node:stream';
import { ApiException, AppsV1Api, CoreV1Api, Log } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { deploymentManifest } from '../helpers/kubeManifests.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { waitFor } from '../helpers/wait.js';

async function runningPod(options: Parameters<typeof deploymentManifest>[1] = {}) {
  const { kc } = await startTestSandbox({ timings: { podStartMs: 0, logIntervalMs: 20 } });
  const core = kc.makeApiClient(CoreV1Api);
  await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace: 'default',
    body: deploymentManifest('web', { replicas: 1, ...options }),
  });
  const pod = await waitFor(async () => {
    const [found] = (await core.listNamespacedPod({ namespace: 'default' })).items;
    return found?.status?.containerStatuses && found;
  });
  return { kc, core, name: pod.metadata!.name! };
}

describe('sandbox pod logs', () => {
  it('returns the lines written so far, and the last few with tailLines', async () => {
    const { core, name } = await runningPod();
    const text = await waitFor(async () => {
      const read = await core.readNamespacedPodLog({ name, namespace: 'default' });
      return read.split('\n').length > 5 && read;
    });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toContain(`starting nginx:1.27 in ${name}`);
    expect(lines[1]).toMatch(/"GET \/\S* HTTP\/1\.1" \d{3} \d+/);
    const tail = await core.readNamespacedPodLog({ name, namespace: 'default', tailLines: 2 });
    expect(tail.trimEnd().split('\n')).toHaveLength(2);
    // Lines already written read the same again.
    const again = await core.readNamespacedPodLog({ name, namespace: 'default' });
    expect(again.startsWith(lines.slice(0, 5).join('\n'))).toBe(true);
  });

  it('follows new lines as they are written', async () => {
    const { kc, name } = await runningPod();
    const output = new PassThrough();
    let received = '';
    output.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const ended = new Promise((resolve) => output.on('end', resolve));
    await new Log(kc).log('default', name, 'web', output, { follow: true, tailLines: 1 });
    await waitFor(() => received.split('\n').length > 4, { what: 'followed lines' });
    // The stream ends when the pod goes (aborting it instead leaves client-node an unhandled error).
    await kc.makeApiClient(CoreV1Api).deleteNamespacedPod({ name, namespace: 'default' });
    await ended;
  });

  it('answers 400 for an ambiguous, unknown or waiting container', async () => {
    const { core, name } = await runningPod({ sidecar: true });
    const failure = async (container?: string) => {
      try {
        await core.readNamespacedPodLog({ name, namespace: 'default', container });
      } catch (error) {
        if (error instanceof ApiException) return { code: error.code, body: String(error.body) };
        throw error;
      }
      throw new Error('the read succeeded');
    };
    expect(await failure()).toMatchObject({ code: 400 });
    expect((await failure()).body).toContain('a container name must be specified');
    expect((await failure('nope')).body).toContain('container nope is not valid');

    const ghost = await runningPod({ image: 'example/app:nonexistent' });
    const waiting = await ghost.core
      .readNamespacedPodLog({ name: ghost.name, namespace: 'default' })
      .catch((error: ApiException<string>) => error);
    expect((waiting as ApiException<string>).code).toBe(400);
    expect(String((waiting as ApiException<string>).body)).toContain('is waiting to start');
  });
});
