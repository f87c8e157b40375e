/**
 * One handler for every resource URL: resolves what the path names, then dispatches on the HTTP
 * method and on whether it names a collection, an object or a subresource — the same verb table
 * kube-apiserver installs for each kind.
 */
import type { Context } from 'hono';
import { badRequest, methodNotAllowed, notFound } from './apiStatus.js';
import type { KubeObject } from './kubeObject.js';
import { parseBody, patcher, patchKindOf } from './requestBody.js';
import {
  deleteOptions,
  encodeContinue,
  isDryRun,
  listOptions,
  watchRevision,
} from './requestOptions.js';
import type { RequestTarget } from './requestTarget.js';
import type { ResourceService } from './resourceService.js';
import { apiVersionOf, BUILT_IN_TYPES, type ResourceType } from './resourceTypes.js';
import { scaleOf, withScale } from './scale.js';
import type { Watches } from './watchStream.js';

/** Kinds whose DELETE answers with the deleted object rather than a success `Status`. */
const RETURNS_DELETED_OBJECT = new Set(['Pod', 'Namespace']);

const DEFAULT_WATCH_TIMEOUT_MS = 30 * 60_000;

export interface HandlerDeps {
  resources: ResourceService;
  watches: Watches;
}

const json = (c: Context, body: unknown, status: 200 | 201 | 202 = 200) =>
  c.json(body as object, status);

export async function handleResource(
  c: Context,
  target: RequestTarget,
  deps: HandlerDeps,
): Promise<Response> {
  const { resources } = deps;
  const { type, namespace, name, subresource } = target;
  const query = c.req.query();
  const method = c.req.method;

  if (name === undefined) {
    if (method === 'GET' && (query.watch === 'true' || query.watch === '1')) {
      return watch(c, target, deps, query);
    }
    if (method === 'GET') {
      const result = resources.list(type, namespace, listOptions(query, type));
      return json(c, {
        kind: `${type.kind}List`,
        apiVersion: apiVersionOf(type),
        metadata: {
          resourceVersion: String(result.revision),
          ...(result.lastKey ? { continue: encodeContinue(result.revision, result.lastKey) } : {}),
          ...(result.remainingItemCount !== undefined
            ? { remainingItemCount: result.remainingItemCount }
            : {}),
        },
        items: result.items,
      });
    }
    if (method === 'POST') {
      if (namespace === undefined && type.namespaced) throw methodNotAllowed();
      const body = await readBody(c);
      return json(c, resources.create(type, namespace, body, { dryRun: isDryRun(query) }), 201);
    }
    if (method === 'DELETE') {
      const body = await readBody(c);
      const deleted = resources.deleteCollection(
        type,
        namespace,
        listOptions(query, type),
        deleteOptions(query, body),
      );
      return json(c, {
        kind: `${type.kind}List`,
        apiVersion: apiVersionOf(type),
        metadata: {},
        items: deleted,
      });
    }
    throw methodNotAllowed();
  }

  if (subresource === 'scale') return scale(c, target as Named, deps, query);
  if (subresource === 'log') throw notFound(type, name);
  const status = subresource === 'status' ? ({ subresource: 'status' } as const) : {};

  switch (method) {
    case 'GET':
      return json(c, resources.get(type, namespace ?? '', name));
    case 'PUT': {
      const body = await readBody(c);
      return json(
        c,
        resources.update(type, namespace, name, body, { ...status, dryRun: isDryRun(query) }),
      );
    }
    case 'PATCH': {
      const kind = patchKindOf(c.req.header('content-type'), !isCustom(type));
      if (kind === 'apply')
        throw badRequest('server-side apply is not available in the sandbox yet');
      const patch = await readBody(c);
      const options = { ...status, dryRun: isDryRun(query) };
      return json(c, resources.patch(type, namespace, name, patcher(kind, patch), options));
    }
    case 'DELETE': {
      if (subresource) throw methodNotAllowed();
      const body = await readBody(c);
      const result = resources.delete(type, namespace, name, deleteOptions(query, body));
      if (!result.deleted) return json(c, result.object, 202);
      return json(
        c,
        RETURNS_DELETED_OBJECT.has(type.kind) ? result.object : successStatus(type, result.object),
      );
    }
    default:
      throw methodNotAllowed();
  }
}

type Named = RequestTarget & { name: string };

async function scale(
  c: Context,
  target: Named,
  { resources }: HandlerDeps,
  query: Record<string, string>,
) {
  const { type, namespace, name } = target;
  const method = c.req.method;
  if (method === 'GET') return json(c, scaleOf(resources.get(type, namespace ?? '', name)));
  if (method !== 'PUT' && method !== 'PATCH') throw methodNotAllowed();
  const body = await readBody(c);
  const options = { dryRun: isDryRun(query) };
  const updated =
    method === 'PUT'
      ? resources.patch(type, namespace, name, (current) => withScale(current, body), options)
      : resources.patch(
          type,
          namespace,
          name,
          (current) => {
            const kind = patchKindOf(c.req.header('content-type'), true);
            if (kind === 'apply')
              throw badRequest('server-side apply is not available in the sandbox yet');
            return withScale(current, patcher(kind, body)(scaleOf(current)));
          },
          options,
        );
  return json(c, scaleOf(updated));
}

function watch(
  c: Context,
  target: RequestTarget,
  { watches }: HandlerDeps,
  query: Record<string, string>,
) {
  const options = listOptions(query, target.type);
  const timeoutSeconds = Number(query.timeoutSeconds);
  const body = watches.stream({
    type: target.type,
    ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
    ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
    ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
    after: watchRevision(query),
    bookmarks: query.allowWatchBookmarks === 'true',
    timeoutMs: timeoutSeconds > 0 ? timeoutSeconds * 1000 : DEFAULT_WATCH_TIMEOUT_MS,
  });
  return c.body(body, 200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
}

/** The body, parsed; its size was limited by the app's body limit before it got here. */
async function readBody(c: Context): Promise<unknown> {
  return parseBody(await c.req.text(), c.req.header('content-type'));
}

/** Custom resources have no merge keys, so no strategic merge patch (as in Kubernetes). */
const isCustom = (type: ResourceType): boolean => !BUILT_IN_TYPES.includes(type);

function successStatus(type: ResourceType, object: KubeObject) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      name: object.metadata.name,
      ...(type.group ? { group: type.group } : {}),
      kind: type.plural,
      uid: object.metadata.uid,
    },
  };
}
