/**
 * `/api/connections`: the clusters the hub can reach (the sandbox, `--kubeconfig` contexts and
 * those added here). Credentials go in with `POST` and never come back out.
 */
import { Hono } from 'hono';
import { parseNewConnection } from '../connections/connectionInput.js';
import type { ConnectionRegistry } from '../connections/connectionRegistry.js';
import { jsonBody } from './jsonBody.js';

export function connectionRoutes(connections: ConnectionRegistry): Hono {
  return new Hono()
    .get('/', (c) => c.json(connections.list()))
    .post('/', async (c) =>
      c.json(await connections.add(parseNewConnection(await jsonBody(c))), 201),
    )
    .get('/:id', (c) => c.json(connections.get(c.req.param('id'))))
    .post('/:id/check', async (c) => c.json(await connections.check(c.req.param('id'))))
    .delete('/:id', async (c) => {
      await connections.remove(c.req.param('id'));
      return c.body(null, 204);
    });
}
