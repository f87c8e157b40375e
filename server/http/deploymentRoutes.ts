/**
 * Deploying: `POST /api/designs/:id/deploy` and `/undeploy` (`{connections | environment,
 * dryRun?, force?, timeoutSeconds?}`) answer `202` with the deployment under way;
 * `GET /api/deployments/:id` follows it.
 */
import { Hono } from 'hono';
import type { DeploymentService } from '../deploy/deploymentService.js';
import { jsonBody } from './jsonBody.js';

export function deploymentRoutes(deployments: DeploymentService): Hono {
  return new Hono()
    .post('/designs/:id/deploy', async (c) =>
      c.json(await deployments.start(c.req.param('id'), 'deploy', await jsonBody(c)), 202),
    )
    .post('/designs/:id/undeploy', async (c) =>
      c.json(await deployments.start(c.req.param('id'), 'undeploy', await jsonBody(c)), 202),
    )
    .get('/deployments/:id', (c) => c.json(deployments.get(c.req.param('id'))));
}
