/**
 * Drift actions: `POST /api/designs/:id/drift/adopt {connection, component, paths?}` writes the
 * cluster's values into the design. Re-applying is a deploy (`POST /api/designs/:id/deploy`).
 */
import { Hono } from 'hono';
import type { DriftAdoption } from '../drift/driftAdoption.js';
import { jsonBody } from './jsonBody.js';

export function driftRoutes(drift: DriftAdoption): Hono {
  return new Hono().post('/designs/:id/drift/adopt', async (c) =>
    c.json(await drift.adopt(c.req.param('id'), await jsonBody(c))),
  );
}
