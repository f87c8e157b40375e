/**
 * `/api/models`: the model registry, and importing CustomResourceDefinitions into it. Schemas
 * come only with one component.
 */
import { Hono } from 'hono';
import { ManifestError } from '../../shared/design/manifests.js';
import { badRequest } from '../errors.js';
import { CrdError, importedModelsView, modelsFromCrds } from '../models/crdImport.js';
import type { ModelRegistry } from '../models/modelRegistry.js';

export function modelRoutes(models: ModelRegistry): Hono {
  return new Hono()
    .get('/', (c) => c.json(models.list()))
    .post('/import', async (c) => {
      let imported;
      try {
        imported = modelsFromCrds(await c.req.text());
      } catch (error) {
        if (error instanceof CrdError || error instanceof ManifestError) {
          throw badRequest('invalid_crd', error.message);
        }
        throw error;
      }
      return c.json(importedModelsView(await models.import(imported)), 201);
    })
    .get('/:model/components', (c) =>
      c.json(models.components(c.req.param('model'), c.req.query('search'))),
    )
    .get('/:model/components/:kind', (c) =>
      c.json(
        models.component(c.req.param('model'), c.req.param('kind'), c.req.query('apiVersion')),
      ),
    );
}
