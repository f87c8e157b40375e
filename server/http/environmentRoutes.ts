/** `/api/environments`: named groups of connections to deploy to together. */
import { Hono } from 'hono';
import type { Environments } from '../connections/environments.js';
import { jsonBody } from './jsonBody.js';

export function environmentRoutes(environments: Environments): Hono {
  return new Hono()
    .get('/', (c) => c.json(environments.list()))
    .post('/', async (c) => c.json(await environments.create(await jsonBody(c)), 201))
    .get('/:id', (c) => c.json(environments.get(c.req.param('id'))))
    .patch('/:id', async (c) =>
      c.json(await environments.update(c.req.param('id'), await jsonBody(c))),
    )
    .delete('/:id', async (c) => {
      await environments.remove(c.req.param('id'));
      return c.body(null, 204);
    });
}
