/**
 * Discovery: `POST /api/connections/:id/import {namespaces?, labelSelector?, kinds?, name?}`
 * makes a new design of live objects (201 with the design, its component count and what was
 * left out), and `POST /api/connections/:id/import-crds` adds the cluster's CRDs to the model
 * registry (201 with the models added, 200 with none when the cluster has no CRDs). Both take
 * an empty body.
 */
import { Hono, type Context } from 'hono';
import type { Discovery } from '../discovery/discovery.js';
import { jsonBody } from './jsonBody.js';

/** The JSON body, or `{}` when there is none: every field of these requests is optional. */
const optionalJsonBody = async (c: Context): Promise<unknown> =>
  (await c.req.text()).trim() === '' ? {} : jsonBody(c);

export function discoveryRoutes(discovery: Discovery): Hono {
  return new Hono()
    .post('/connections/:id/import', async (c) =>
      c.json(await discovery.importDesign(c.req.param('id'), await optionalJsonBody(c)), 201),
    )
    .post('/connections/:id/import-crds', async (c) => {
      const models = await discovery.importCrds(c.req.param('id'), await optionalJsonBody(c));
      return c.json(models, models.length > 0 ? 201 : 200);
    });
}
