/**
 * The real kubectl against the sandbox, as a user drives it: server-side apply of a manifest
 * file, reading objects back, rollouts, scaling, logs, waiting, ownership conflicts, deleting,
 * and the errors kubectl prints for an unknown kind, a wrong token and a missing object.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { deploymentManifest } from '../helpers/kubeManifests.js';
import { hasKubectl, kubectl, tryKubectl, type KubectlTarget } from '../helpers/kubectl.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { tempDir } from '../helpers/tempDir.js';
import { waitFor } from '../helpers/wait.js';

type Json = Record<string, any>;

const service: V1Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
};

/** A Deployment and a Service, `web`, as one multi-document manifest file. */
async function writeManifests(dir: string, replicas = 2): Promise<string> {
  const file = join(dir, 'web.yaml');
  const documents = [deploymentManifest('web', { replicas }), service];
  await writeFile(file, documents.map((document) => stringify(document)).join('---\n'));
  return file;
}

/**
 * A sandbox whose pods start in 20 ms and log every 50 ms, with `web.yaml` written and the
 * kubectl target (its kubeconfig, a cache dir of this test's own) to run commands with.
 */
async function setUp() {
  const sandbox = await startTestSandbox({ timings: { podStartMs: 20, logIntervalMs: 50 } });
  const dir = await tempDir();
  const target: KubectlTarget = {
    kubeconfigPath: sandbox.kubeconfigPath,
    cacheDir: await tempDir('weft-kubectl-cache-'),
  };
  return { sandbox, dir, target, manifests: await writeManifests(dir) };
}

/** Applies the manifests server-side and waits for the rollout kubectl's way. */
async function deployWeb(target: KubectlTarget, manifests: string): Promise<void> {
  await kubectl(target, 'apply', '--server-side', '-f', manifests);
  await kubectl(target, 'rollout', 'status', 'deploy/web', '--timeout=30s');
}

const namesOf = (output: string): string[] => output.split('\n').filter(Boolean);

describe.skipIf(!hasKubectl)('kubectl against the sandbox', () => {
  it('apply --server-side creates the manifests; get -o yaml shows managedFields only when asked', async () => {
    const { target, manifests } = await setUp();
    expect(await kubectl(target, 'apply', '--server-side', '-f', manifests)).toBe(
      'deployment.apps/web serverside-applied\nservice/web serverside-applied\n',
    );
    expect(await kubectl(target, 'rollout', 'status', 'deploy/web', '--timeout=30s')).toContain(
      'deployment "web" successfully rolled out',
    );

    const deployment = parse(await kubectl(target, 'get', 'deploy', 'web', '-o', 'yaml')) as Json;
    expect(deployment).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
    expect(deployment.metadata.managedFields).toBeUndefined();
    expect(deployment.metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');
    expect(deployment.spec).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate' },
    });
    expect(deployment.spec.template.spec.containers).toMatchObject([
      { name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 8080, protocol: 'TCP' }] },
    ]);
    expect(deployment.status).toMatchObject({
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      observedGeneration: 1,
    });

    const shown = parse(
      await kubectl(target, 'get', 'deploy', 'web', '-o', 'yaml', '--show-managed-fields'),
    ) as Json;
    const applied = (shown.metadata.managedFields as Json[]).find(
      (entry) => entry.operation === 'Apply',
    );
    expect(applied).toMatchObject({ manager: 'kubectl', apiVersion: 'apps/v1' });
    expect(applied?.fieldsV1['f:spec']['f:replicas']).toEqual({});
    expect(applied?.fieldsV1['f:spec']).not.toHaveProperty('f:strategy');

    const ports = await kubectl(target, 'get', 'svc', 'web', '-o', 'jsonpath={.spec.ports}');
    expect(JSON.parse(ports)).toMatchObject([{ port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });

  it('scale rolls out more pods, and rollout restart makes a second ReplicaSet at revision 2', async () => {
    const { target, manifests } = await setUp();
    await deployWeb(target, manifests);
    expect(await kubectl(target, 'scale', 'deploy/web', '--replicas=3')).toBe(
      'deployment.apps/web scaled\n',
    );
    await kubectl(target, 'rollout', 'status', 'deploy/web', '--timeout=30s');
    const pods = await kubectl(target, 'get', 'pods', '-l', 'app=web', '-o', 'name');
    expect(namesOf(pods)).toHaveLength(3);

    expect(await kubectl(target, 'rollout', 'restart', 'deploy/web')).toBe(
      'deployment.apps/web restarted\n',
    );
    expect(await kubectl(target, 'rollout', 'status', 'deploy/web', '--timeout=30s')).toContain(
      'deployment "web" successfully rolled out',
    );
    const replicaSets = parse(
      await kubectl(target, 'get', 'rs', '-l', 'app=web', '-o', 'yaml'),
    ) as Json;
    const revisions = (replicaSets.items as Json[])
      .map((rs) => [rs.metadata.annotations['deployment.kubernetes.io/revision'], rs.spec.replicas])
      .sort();
    expect(revisions).toEqual([
      ['1', 0],
      ['2', 3],
    ]);
    const revision = await kubectl(
      target,
      'get',
      'deploy',
      'web',
      '-o',
      'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}',
    );
    expect(revision).toBe('2');
    expect(await kubectl(target, 'rollout', 'history', 'deploy/web')).toMatch(
      /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/,
    );
    // The old ReplicaSet's pods go; three of the new one's stay.
    const newPods = await waitFor(
      async () => {
        const names = namesOf(await kubectl(target, 'get', 'pods', '-l', 'app=web', '-o', 'name'));
        return names.length === 3 && names;
      },
      { what: 'three pods', timeoutMs: 10_000 },
    );
    const newest = (replicaSets.items as Json[]).find(
      (rs) => rs.metadata.annotations['deployment.kubernetes.io/revision'] === '2',
    );
    for (const pod of newPods) expect(pod).toMatch(`pod/${newest?.metadata.name}-`);
  });

  it('wait --for=condition=available returns once the Deployment is, and logs --tail=2 prints two lines', async () => {
    const { target, manifests } = await setUp();
    await kubectl(target, 'apply', '--server-side', '-f', manifests);
    expect(
      await kubectl(target, 'wait', '--for=condition=available', 'deploy/web', '--timeout=30s'),
    ).toBe('deployment.apps/web condition met\n');
    // A container writes a line every 50 ms after its banner: wait until there are two.
    const lines = await waitFor(
      async () => {
        const output = namesOf(await kubectl(target, 'logs', 'deploy/web', '--tail=2'));
        return output.length === 2 && output;
      },
      { what: 'two log lines' },
    );
    for (const line of lines) expect(line.trim()).not.toBe('');
  });

  it('apply --server-side refuses to take replicas from kubectl scale unless --force-conflicts', async () => {
    const { target, dir, manifests } = await setUp();
    await deployWeb(target, manifests);
    await kubectl(target, 'scale', 'deploy/web', '--replicas=3');
    await writeManifests(dir, 4);

    const refused = await tryKubectl(target, 'apply', '--server-side', '-f', manifests);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
    );
    expect(refused.stderr).toContain('--force-conflicts');
    const replicas = () =>
      kubectl(target, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}');
    expect(await replicas()).toBe('3');

    expect(
      await kubectl(target, 'apply', '--server-side', '--force-conflicts', '-f', manifests),
    ).toContain('deployment.apps/web serverside-applied');
    expect(await replicas()).toBe('4');
    const deployment = parse(
      await kubectl(target, 'get', 'deploy', 'web', '-o', 'yaml', '--show-managed-fields'),
    ) as Json;
    // kubectl scale's entry owned nothing but the replicas it has lost, so it is gone.
    expect(
      (deployment.metadata.managedFields as Json[]).filter(
        (entry) => entry.subresource === 'scale',
      ),
    ).toEqual([]);
    // Applying again is no conflict: the replicas are the applier's now.
    await kubectl(target, 'apply', '--server-side', '-f', manifests);
  });

  it('explain prints the description of a field from the OpenAPI documents', async () => {
    const { target } = await setUp();
    const replicas = await kubectl(target, 'explain', 'deployment.spec.replicas');
    expect(replicas).toContain('GROUP:      apps');
    expect(replicas).toContain('FIELD: replicas <integer>');
    expect(replicas).toContain('Number of desired pods.');
  });

  it('delete -f removes the manifests, and garbage collection the ReplicaSets and pods', async () => {
    const { target, manifests } = await setUp();
    await deployWeb(target, manifests);
    expect(await kubectl(target, 'delete', '-f', manifests)).toBe(
      'deployment.apps "web" deleted\nservice "web" deleted\n',
    );
    const kinds = 'deployments,replicasets,pods,services';
    const left = await waitFor(
      async () => {
        const result = await tryKubectl(target, 'get', kinds, '-l', 'app=web');
        return result.code === 0 && result.stdout === '' && result;
      },
      { what: 'nothing left', timeoutMs: 10_000 },
    );
    expect(left.stderr).toBe('No resources found in default namespace.\n');
  });

  it('prints kubectl’s errors for an unknown resource type, a wrong token and a missing pod', async () => {
    const { sandbox, dir, target } = await setUp();
    const gadgets = await tryKubectl(target, 'get', 'gadgets');
    expect(gadgets.code).toBe(1);
    expect(gadgets.stderr).toContain('error: the server doesn\'t have a resource type "gadgets"');

    const missing = await tryKubectl(target, 'get', 'pod', 'missing');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error from server (NotFound): pods "missing" not found');

    const kubeconfig = parse(await readFile(sandbox.kubeconfigPath, 'utf8')) as Json;
    kubeconfig.users[0].user.token = 'wrong';
    const wrongToken = join(dir, 'wrong-token.kubeconfig');
    await writeFile(wrongToken, stringify(kubeconfig));
    const denied = await tryKubectl(
      { kubeconfigPath: wrongToken, cacheDir: await tempDir('weft-kubectl-cache-') },
      'get',
      'pods',
    );
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('error: You must be logged in to the server');
    expect(denied.stdout).toBe('');
  });
});
