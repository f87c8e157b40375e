/**
 * Deploying a design through the API and waiting until the deployment has finished.
 */
import type { Deployment, DeploymentAction } from '../../shared/deploy/deployment.js';
import { api } from './api.js';
import { waitFor } from './wait.js';

/** Starts a deploy (or undeploy) of `design` and resolves with it once it has finished. */
export async function deployAndWait(
  url: string,
  design: string,
  body: Record<string, unknown>,
  action: DeploymentAction = 'deploy',
): Promise<Deployment> {
  const started = await api<Deployment>(url, 'POST', `/api/designs/${design}/${action}`, body);
  if (started.status !== 202) {
    throw new Error(`${action} refused: ${started.status} ${JSON.stringify(started.body)}`);
  }
  return deploymentFinished(url, started.body.id);
}

/** Resolves with deployment `id` once it has finished. */
export function deploymentFinished(url: string, id: string): Promise<Deployment> {
  return waitFor(
    async () => {
      const { body: deployment } = await api<Deployment>(url, 'GET', `/api/deployments/${id}`);
      return deployment.finishedAt !== null && deployment;
    },
    { timeoutMs: 30_000, intervalMs: 50, what: 'the deployment to finish' },
  );
}
