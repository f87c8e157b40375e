/**
 * `/api/policies`: uploading OPA policy bundles (the raw `.tar.gz` as the body, or a multipart
 * form with the file in field `bundle`), listing them and removing them. Modules are never
 * sent back.
 */
import { Hono, type Context } from 'hono';
import { badRequest } from '../errors.js';
import type { PolicyRegistry } from '../policies/policyRegistry.js';

const BUNDLE_FIELD = 'bundle';

export function policyRoutes(policies: PolicyRegistry): Hono {
  return new Hono()
    .get('/', (c) => c.json(policies.list()))
    .post('/', async (c) => {
      const name = c.req.query('name');
      if (!name) throw badRequest('missing_name', 'name the policy: POST /api/policies?name=<id>');
      return c.json(await policies.add(name, await uploadedBundle(c)), 201);
    })
    .get('/:id', (c) => c.json(policies.get(c.req.param('id'))))
    .delete('/:id', async (c) => {
      await policies.remove(c.req.param('id'));
      return c.body(null, 204);
    });
}

/** The bundle's bytes, from a multipart form's `bundle` field or the raw body. */
async function uploadedBundle(c: Context): Promise<Uint8Array> {
  const type = c.req.header('Content-Type') ?? '';
  if (!type.startsWith('multipart/form-data')) {
    return new Uint8Array(await c.req.arrayBuffer());
  }
  const form = await c.req.parseBody();
  const file = form[BUNDLE_FIELD];
  if (!(file instanceof File)) {
    throw badRequest(
      'missing_bundle',
      `a multipart upload carries the bundle as a file in field "${BUNDLE_FIELD}"`,
    );
  }
  return new Uint8Array(await file.arrayBuffer());
}
