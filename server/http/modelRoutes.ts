/**
 * `/api/models`: the model registry, read-only for now. Schemas come only with one component.
 */
import { Hono } from 'hono';
import type { ModelRegistry } from '../models/modelRegistry.js';

export function modelRoutes(models: ModelRegistry): Hono {
  return new Hono()
    .get('/', (c) => c.json(models.list()))
    .get('/:model/components', (c) =>
      c.json(models.components(c.req.param('model'), c.req.query('search'))),
    )
    .get('/:model/components/:kind', (c) =>
      c.json(
        models.component(c.req.param('model'), c.req.param('kind'), c.req.query('apiVersion')),
      ),
    );
}
