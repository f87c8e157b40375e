/**
 * `/api/designs`: list, create, import from manifests, read (as JSON, manifests or the Yjs
 * state the editor starts from), rename/describe and delete designs.
 */
import { Hono } from 'hono';
import { parseDesignCreate, parseDesignPatch } from '../designs/designInput.js';
import type { DesignService } from '../designs/designService.js';
import { jsonBody } from './jsonBody.js';

export function designRoutes(designs: DesignService): Hono {
  return new Hono()
    .get('/', (c) => c.json(designs.list()))
    .post('/', async (c) => c.json(await designs.create(parseDesignCreate(await jsonBody(c))), 201))
    .post('/import', async (c) => {
      const input = parseDesignCreate({ name: c.req.query('name') ?? '' });
      return c.json(await designs.importManifests(input, await c.req.text()), 201);
    })
    .get('/:id', async (c) => c.json(await designs.get(c.req.param('id'))))
    .get('/:id/manifests', (c) =>
      c.body(designs.manifests(c.req.param('id')), 200, {
        'Content-Type': 'application/yaml; charset=utf-8',
      }),
    )
    .get('/:id/state', (c) => {
      // Bytes of their own: Hono's body takes no view of a shared (LMDB) buffer.
      const state = new Uint8Array(designs.state(c.req.param('id')));
      return c.body(state, 200, {
        'Content-Type': 'application/octet-stream',
        'Cache-Control': 'no-store',
      });
    })
    .patch('/:id', async (c) =>
      c.json(await designs.update(c.req.param('id'), parseDesignPatch(await jsonBody(c)))),
    )
    .delete('/:id', async (c) => {
      await designs.remove(c.req.param('id'));
      return c.body(null, 204);
    });
}
