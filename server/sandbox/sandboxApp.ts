/**
 * The sandbox's HTTP surface: bearer-token authentication, discovery, and every resource URL.
 * Errors of every kind leave as Kubernetes `Status` objects from the one `onError` below, since
 * that is what clients parse.
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import {
  ApiError,
  badRequest,
  noSuchResource,
  requestTooLarge,
  unauthorized,
} from './apiStatus.js';
import { apiGroup, coreVersions, groupList, resourceList, versionInfo } from './discovery.js';
import { OpenApiDocuments, sendDocument, sendGroupVersion } from './openapi.js';
import { MAX_BODY_BYTES } from './requestBody.js';
import { handleResource, type HandlerDeps } from './resourceHandler.js';
import type { ResourceCatalog } from './resourceCatalog.js';
import { resolveTarget } from './requestTarget.js';

export interface SandboxAppDeps extends HandlerDeps {
  catalog: ResourceCatalog;
  token: string;
  /** Logs what a request did wrong that a client cannot be blamed for. */
  onInternalError(error: unknown): void;
}

const orNotFound = <T>(value: T | undefined): T => {
  if (value === undefined) throw noSuchResource();
  return value;
};

/** The segments after a prefix: `/api/v1/namespaces/a/pods` after `/api/v1` → namespaces, a, pods. */
function segmentsAfter(c: Context, prefixSegments: number): string[] {
  const segments = new URL(c.req.url).pathname.split('/').filter((segment) => segment !== '');
  try {
    return segments.slice(prefixSegments).map(decodeURIComponent);
  } catch {
    throw badRequest(`the path ${JSON.stringify(c.req.path)} is not correctly escaped`);
  }
}

export function createSandboxApp(deps: SandboxAppDeps): Hono {
  const { catalog } = deps;
  const app = new Hono();
  const expected = Buffer.from(`Bearer ${deps.token}`);

  app.use(async (c, next) => {
    const given = Buffer.from(c.req.header('authorization') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthorized();
    await next();
  });
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw requestTooLarge(MAX_BODY_BYTES);
      },
    }),
  );

  app.get('/version', (c) => c.json(versionInfo()));
  app.get('/api', (c) => c.json(coreVersions(new URL(c.req.url).host)));
  app.get('/apis', (c) => c.json(groupList(catalog)));
  app.get('/apis/:group', (c) => c.json(orNotFound(apiGroup(catalog, c.req.param('group')))));
  app.get('/api/v1', (c) => c.json(orNotFound(resourceList(catalog, '', 'v1'))));
  const openapi = new OpenApiDocuments(catalog);
  app.get('/openapi/v2', (c) => sendDocument(c, openapi.v2()));
  app.get('/openapi/v3', (c) => sendDocument(c, openapi.v3Index()));
  app.get('/openapi/v3/*', (c) => sendGroupVersion(c, openapi));
  app.get('/apis/:group/:version', (c) =>
    c.json(orNotFound(resourceList(catalog, c.req.param('group'), c.req.param('version')))),
  );

  app.all('/api/v1/*', (c) =>
    handleResource(c, resolveTarget(catalog, '', 'v1', segmentsAfter(c, 2)), deps),
  );
  app.all('/apis/:group/:version/*', (c) =>
    handleResource(
      c,
      resolveTarget(catalog, c.req.param('group'), c.req.param('version'), segmentsAfter(c, 3)),
      deps,
    ),
  );

  app.notFound((c) => c.json(noSuchResource().toStatus(), 404));
  app.onError((error, c) => {
    const apiError =
      error instanceof ApiError
        ? error
        : new ApiError(500, 'InternalError', 'an internal error occurred');
    if (!(error instanceof ApiError)) deps.onInternalError(error);
    return c.json(apiError.toStatus(), apiError.code as 500);
  });
  return app;
}
