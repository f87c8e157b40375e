/**
 * Operating clusters: `POST /api/connections/:id/actions`, `GET /api/connections/:id/logs`
 * (streamed as plain text; with `follow=true` until the reader leaves) and `GET /api/activity`.
 */
import { Hono } from 'hono';
import { badRequest } from '../errors.js';
import type { Operations } from '../operate/operations.js';
import { jsonBody } from './jsonBody.js';

const DEFAULT_ACTIVITY = 100;
const MAX_ACTIVITY = 1_000;

export function operateRoutes(operations: Operations): Hono {
  return new Hono()
    .post('/connections/:id/actions', async (c) =>
      c.json(await operations.act(c.req.param('id'), await jsonBody(c))),
    )
    .get('/connections/:id/logs', async (c) => {
      const stream = await operations.logs(c.req.param('id'), c.req.query());
      return new Response(stream, {
        headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
      });
    })
    .get('/activity', (c) => {
      const limit = Number(c.req.query('limit') ?? DEFAULT_ACTIVITY);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ACTIVITY) {
        throw badRequest('invalid_query', `"limit" must be an integer from 1 to ${MAX_ACTIVITY}`);
      }
      return c.json(operations.activity.latest(limit, c.req.query('connection')));
    });
}
