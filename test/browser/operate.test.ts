/**
 * Deploying and operating from the web client in Chromium, against the hub's built-in sandbox:
 * the deploy panel, the cluster page (live canvas, filters, actions, logs) and the connections
 * page, each checked against the cluster itself through client-node.
 */
import { readFile } from 'node:fs/promises';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { api, importDesign } from '../helpers/api.js';
import {
  ADA,
  nodeNamed,
  openEditor,
  openPage,
  screenshot,
  startEditorHub,
} from '../helpers/editor.js';
import type { TestHub } from '../helpers/hub.js';
import { deploymentManifest } from '../helpers/kubeManifests.js';
import { closedPort } from '../helpers/silentServer.js';
import { SETTINGS, WEB_DEPLOYMENT, WEB_SERVICE } from '../helpers/webManifests.js';

const clusterNode = (page: Page, kind: string, name: string) =>
  page.locator(`.svelte-flow__node:has([data-kind="${kind}"][data-name="${name}"])`);

function sandboxConfig(hub: TestHub): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(hub.hub.sandbox!.kubeconfigPath);
  return kc;
}

const sandboxApps = (hub: TestHub) => sandboxConfig(hub).makeApiClient(AppsV1Api);

/** The design's Deployment as the hub stores it. */
async function deploymentOf(base: string, designId: string) {
  const { body } = await api<{
    components: { kind: string; config: { spec?: { replicas?: number } } }[];
  }>(base, 'GET', `/api/designs/${designId}`);
  return body.components.find((component) => component.kind === 'Deployment')?.config.spec;
}

describe('deploying and operating in Chromium', () => {
  it('deploys a design, shows its pods Ready on the cluster page, and scales it from there', async () => {
    const { hub, browser } = await startEditorHub({ sandbox: true, sandboxPodStartMs: 20 });
    const designId = await importDesign(
      hub.url,
      [WEB_DEPLOYMENT, WEB_SERVICE, SETTINGS].join('---\n'),
      'shop',
    );
    const page = await openEditor(browser, hub, designId, ADA);

    await page.getByRole('tab', { name: 'Deploy' }).click();
    await expect.poll(() => page.getByLabel('Sandbox').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    const progress = page.locator('article[data-connection="sandbox"]');
    await page.locator('article[data-connection="sandbox"][data-state="succeeded"]').waitFor();
    // Every component is marked on the canvas as its objects went.
    await nodeNamed(page, 'web').first().waitFor();
    await expect
      .poll(() => page.locator('[data-kind="Deployment"][data-deploy="ready"]').count())
      .toBe(1);
    expect(await page.locator('[data-deploy="ready"]').count()).toBe(3);
    await screenshot(page, 'deploy-panel');

    // From the deployed Deployment to the object on the cluster page.
    await progress
      .locator('li', { hasText: 'Deployment default/web' })
      .getByRole('link', { name: 'Operate' })
      .click();
    await page.locator('[data-state="live"]').waitFor();
    const web = clusterNode(page, 'Deployment', 'web');
    await expect
      .poll(() => web.locator('[data-health]').getAttribute('data-health'))
      .toBe('healthy');
    await expect.poll(() => web.textContent()).toContain('2/2 ready');
    const details = page.getByRole('region', { name: 'Deployment web' });
    await details.waitFor();
    await page.getByLabel('Search').fill('app=web');
    await expect
      .poll(() => page.locator('[data-kind="Pod"][data-health="healthy"]').count())
      .toBe(2);

    await details.getByLabel('Replicas').fill('3');
    await details.getByRole('button', { name: 'Scale' }).click();
    await details
      .getByRole('status')
      .filter({ hasText: /scaled/i })
      .waitFor();
    await expect.poll(() => web.textContent()).toContain('3/3 ready');
    await expect
      .poll(() => page.locator('[data-kind="Pod"][data-health="healthy"]').count())
      .toBe(3);
    const live = await sandboxApps(hub).readNamespacedDeployment({
      name: 'web',
      namespace: 'default',
    });
    expect(live.spec?.replicas).toBe(3);

    await screenshot(page, 'cluster-page');
    await page.getByRole('tab', { name: 'Activity' }).click();
    await expect
      .poll(() => page.getByRole('list', { name: 'Activity' }).textContent())
      .toMatch(/Ada scale Deployment default\/web to 3/);
  });

  it('lists connections honestly, adds and removes one, and filters, reads logs and deletes on the cluster page', async () => {
    const { hub, browser } = await startEditorHub({ sandbox: true, sandboxPodStartMs: 20 });
    const kc = sandboxConfig(hub);
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'shop' } } });
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deploymentManifest('api', { namespace: 'shop', replicas: 1 }),
    });
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deploymentManifest('web'),
    });

    const page = await openPage(browser, `${hub.url}/connections`, ADA);
    const sandbox = page.locator('tr[data-connection-id="sandbox"]');
    await sandbox.locator('[data-state="reachable"]').waitFor();
    expect(await sandbox.textContent()).toMatch(/v1\.\d+/);

    // A cluster nobody answers for: added, then reported unreachable with the reason.
    const kubeconfig = (await readFile(hub.hub.sandbox!.kubeconfigPath, 'utf8')).replace(
      /server: \S+/,
      `server: https://127.0.0.1:${await closedPort()}`,
    );
    await page.getByText('Add a connection…').click();
    await page.getByLabel('Name', { exact: true }).fill('gone');
    await page.getByLabel(/^Kubeconfig/).fill(kubeconfig);
    await page.getByRole('button', { name: 'Add connection' }).click();
    const gone = page.locator('tr', { hasText: 'gone' });
    await gone.locator('[data-state="unreachable"]').waitFor();
    expect(await gone.textContent()).toMatch(/ECONNREFUSED/);
    // It does not hurt the others.
    await sandbox.getByRole('button', { name: 'Check' }).click();
    await sandbox.locator('[data-state="reachable"]').waitFor();
    await gone.getByRole('button', { name: 'Remove' }).click();
    await page
      .getByRole('dialog', { name: 'Remove connection?' })
      .getByRole('button', { name: 'Remove connection' })
      .click();
    await gone.waitFor({ state: 'detached' });

    await page.getByLabel('New environment').fill('staging');
    await page.getByRole('group', { name: 'Connections' }).getByLabel('Sandbox').check();
    await page.getByRole('button', { name: 'Create environment' }).click();
    await page.locator('.environments li', { hasText: 'staging' }).waitFor();
    await sandbox.getByRole('button', { name: 'Import CRDs' }).click();
    await sandbox.getByRole('status').filter({ hasText: 'no CRDs' }).waitFor();

    await sandbox.getByRole('link', { name: 'Sandbox' }).click();
    await page.locator('[data-state="live"]').waitFor();
    await clusterNode(page, 'Deployment', 'web').waitFor();
    await page.getByLabel('Namespace').selectOption('shop');
    await clusterNode(page, 'Deployment', 'api').waitFor();
    await clusterNode(page, 'Deployment', 'web').waitFor({ state: 'detached' });
    // Words match kinds, names and labels: the Pod, and the ReplicaSet by its pod-template-hash.
    await page.getByLabel('Search').fill('pod');
    await clusterNode(page, 'Deployment', 'api').waitFor({ state: 'detached' });
    expect(
      await page
        .locator('.svelte-flow__node [data-kind]')
        .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-kind')).sort()),
    ).toEqual(['Pod', 'ReplicaSet']);

    // A Pod's log streams into its panel.
    await page.locator('.svelte-flow__node:has([data-kind="Pod"])').click();
    const logs = page.getByRole('region', { name: /^Logs of api-/ });
    await expect.poll(() => logs.locator('pre').textContent()).toMatch(/nginx|GET|start/i);

    await page.getByLabel('Search').fill('');
    await clusterNode(page, 'Deployment', 'api').click();
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page
      .getByRole('dialog', { name: 'Delete Deployment?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await clusterNode(page, 'Deployment', 'api').waitFor({ state: 'detached' });
    await expect(
      apps.readNamespacedDeployment({ namespace: 'shop', name: 'api' }),
    ).rejects.toThrow();

    // What the filter shows becomes a design of its own: the Deployment, not its pods.
    await page.getByLabel('Namespace').selectOption('default');
    await page.getByRole('button', { name: 'Import as design' }).click();
    await page.waitForURL(/\/designs\//);
    await nodeNamed(page, 'web').first().waitFor();
    expect(await page.locator('[data-kind="Deployment"]').count()).toBe(1);
    expect(await page.locator('[data-kind="Pod"], [data-kind="ReplicaSet"]').count()).toBe(0);
  });

  it('says honestly when the API server refuses an object and when a cluster cannot be reached', async () => {
    const { hub, browser } = await startEditorHub({ sandbox: true, sandboxPodStartMs: 20 });
    const kubeconfig = (await readFile(hub.hub.sandbox!.kubeconfigPath, 'utf8')).replace(
      /server: \S+/,
      `server: https://127.0.0.1:${await closedPort()}`,
    );
    await api(hub.url, 'POST', '/api/connections', { name: 'gone', kubeconfig });
    // Its pod template's labels do not match its selector: the API server refuses it.
    const broken = WEB_DEPLOYMENT.replace(
      'metadata: { labels: { app: web } }',
      'metadata: { labels: { app: other } }',
    );
    const designId = await importDesign(hub.url, broken, 'broken');
    const page = await openEditor(browser, hub, designId, ADA);

    await page.getByRole('tab', { name: 'Deploy' }).click();
    await page.getByRole('checkbox', { name: /^gone/ }).check();
    await page.getByRole('button', { name: 'Dry run' }).click();
    const sandbox = page.locator('article[data-connection="sandbox"][data-state="failed"]');
    await sandbox.waitFor();
    expect(await sandbox.textContent()).toMatch(/dry run/);
    expect(await sandbox.textContent()).toContain('config.spec.template.metadata.labels');
    const gone = page.locator('article[data-state="failed"]', { hasText: 'gone' });

    await expect
      .poll(() => gone.getByRole('alert').textContent())
      .toMatch(/^could not reach the cluster: connect ECONNREFUSED/);
    // A dry run marks nothing on the canvas; a real deploy that fails does.
    expect(await page.locator('[data-deploy]').count()).toBe(0);

    await page.getByRole('checkbox', { name: /^gone/ }).uncheck();
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await page.locator('[data-kind="Deployment"][data-deploy="failed"]').waitFor();
    expect(await sandbox.textContent()).not.toMatch(/dry run/);
  });

  it('shows drift after an out-of-band change, and takes it back by adopting or re-applying', async () => {
    const { hub, browser } = await startEditorHub({ sandbox: true, sandboxPodStartMs: 20 });
    const designId = await importDesign(hub.url, WEB_DEPLOYMENT, 'drifting');
    const page = await openEditor(browser, hub, designId, ADA);
    await page.getByRole('tab', { name: 'Deploy' }).click();
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await page.locator('article[data-connection="sandbox"][data-state="succeeded"]').waitFor();

    const apps = sandboxApps(hub);
    const target = { name: 'web', namespace: 'default' };
    await apps.patchNamespacedDeploymentScale(
      { ...target, body: { spec: { replicas: 5 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const drift = page.getByRole('region', { name: 'Drift' });
    const replicas = drift.locator('li[data-path="config.spec.replicas"]');
    await replicas.waitFor();
    await page.locator('[data-kind="Deployment"][data-drift="1"]').waitFor();

    // Adopting writes the cluster's value into the design, for everyone editing it.
    await replicas.getByRole('button', { name: 'Adopt into design' }).click();
    await replicas.waitFor({ state: 'detached' });
    await expect.poll(async () => (await deploymentOf(hub.url, designId))?.replicas).toBe(5);

    await apps.patchNamespacedDeployment(
      {
        ...target,
        body: {
          spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const image = drift.locator('li[data-path$=".image"]');
    await image.waitFor();
    // Re-applying puts the design's image back on the cluster.
    await drift.getByRole('button', { name: 'Re-apply to Sandbox' }).click();
    await drift.waitFor({ state: 'detached' });
    await expect
      .poll(
        async () =>
          (await apps.readNamespacedDeployment(target)).spec?.template.spec?.containers[0]?.image,
      )
      .toBe('nginx:1.27');
    expect(await page.locator('[data-drift]').count()).toBe(0);
  });
});
