/**
 * One handler for every resource URL: resolves what the path names, then dispatches on the HTTP
 * method and on whether it names a collection, an object or a subresource — the same verb table
 * kube-apiserver installs for each kind.
 */
import type { Context } from 'hono';
import { badRequest, invalid, methodNotAllowed, requiredValue } from './apiStatus.js';
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
import type { ResourceService, WriteOptions } from './resourceService.js';
import { defaultManager } from './managedFields.js';
import { apiVersionOf, BUILT_IN_TYPES, type ResourceType } from './resourceTypes.js';
import { followLogs, logContainer, logLines, type LogOptions } from './podLogs.js';
import { scaleOf, withScale } from './scale.js';
import { listJson } from './serializedObjects.js';
import { objectTableJson, tableJson, tableWatchEncoder } from './tables/tableFormat.js';
import { tableContentType, tableRequest, type TableRequest } from './tables/tableRequest.js';
import type { Watches } from './watchStream.js';

/** Kinds whose DELETE answers with the deleted object rather than a success `Status`. */
const RETURNS_DELETED_OBJECT = new Set(['Pod', 'Namespace']);

const DEFAULT_WATCH_TIMEOUT_MS = 30 * 60_000;

export interface HandlerDeps {
  resources: ResourceService;
  watches: Watches;
  /** How often simulated containers write log lines. */
  logIntervalMs: number;
}

const json = (c: Context, body: unknown, status: 200 | 201 | 202 = 200) =>
  c.json(body as object, status);

/** A `Table` for server-side printing (see `tables/`), which kubectl asks for in `Accept`. */
const table = (c: Context, request: TableRequest, text: string) =>
  c.body(text, 200, { 'Content-Type': tableContentType(request) });

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
      const head = {
        kind: `${type.kind}List`,
        apiVersion: apiVersionOf(type),
        metadata: {
          resourceVersion: String(result.revision),
          ...(result.lastKey ? { continue: encodeContinue(result.revision, result.lastKey) } : {}),
          ...(result.remainingItemCount !== undefined
            ? { remainingItemCount: result.remainingItemCount }
            : {}),
        },
      };
      const printing = tableRequest(c.req.header('accept'), query.includeObject);
      if (printing) {
        return table(c, printing, tableJson(type, result.items, head.metadata, printing));
      }
      return c.body(listJson(head, result.items), 200, { 'Content-Type': 'application/json' });
    }
    if (method === 'POST') {
      if (namespace === undefined && type.namespaced) throw methodNotAllowed();
      const body = await readBody(c);
      return json(c, resources.create(type, namespace, body, writeOptions(c, query)), 201);
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
  if (subresource === 'log') {
    if (method !== 'GET') throw methodNotAllowed();
    return logs(c, target as Named, deps, query);
  }
  const options: WriteOptions = {
    ...writeOptions(c, query),
    ...(subresource === 'status' ? { subresource: 'status' } : {}),
  };

  switch (method) {
    case 'GET': {
      const object = resources.get(type, namespace ?? '', name);
      const printing = subresource
        ? undefined
        : tableRequest(c.req.header('accept'), query.includeObject);
      return printing
        ? table(c, printing, objectTableJson(type, object, printing))
        : json(c, object);
    }
    case 'PUT': {
      const body = await readBody(c);
      return json(c, resources.update(type, namespace, name, body, options));
    }
    case 'PATCH': {
      const kind = patchKindOf(c.req.header('content-type'), !isCustom(type));
      const patch = await readBody(c);
      if (kind !== 'apply') {
        return json(c, resources.patch(type, namespace, name, patcher(kind, patch), options));
      }
      if (!query.fieldManager) throw fieldManagerRequired();
      const applied = resources.apply(type, namespace, name, patch, {
        ...options,
        manager: query.fieldManager,
        force: query.force === 'true',
      });
      return json(c, applied.object, applied.created ? 201 : 200);
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
  const paths = type.scalePaths;
  if (method === 'GET') return json(c, scaleOf(resources.get(type, namespace ?? '', name), paths));
  if (method !== 'PUT' && method !== 'PATCH') throw methodNotAllowed();
  const body = await readBody(c);
  const options: WriteOptions = { ...writeOptions(c, query), subresource: 'scale' };
  // PUT sends the new Scale; PATCH patches the current one.
  const newScale = (current: KubeObject): unknown => {
    if (method === 'PUT') return body;
    const kind = patchKindOf(c.req.header('content-type'), true);
    if (kind === 'apply') {
      throw badRequest(
        'server-side apply to the scale subresource is not supported by the sandbox',
      );
    }
    return patcher(kind, body)(scaleOf(current, paths));
  };
  const updated = resources.patch(
    type,
    namespace,
    name,
    (current) => withScale(current, newScale(current), paths),
    options,
  );
  return json(c, scaleOf(updated, paths));
}

function logs(c: Context, target: Named, deps: HandlerDeps, query: Record<string, string>) {
  const { resources, logIntervalMs } = deps;
  const { type, namespace = '', name } = target;
  const pod = resources.get(type, namespace, name);
  const container = logContainer(pod, query.container);
  const options: LogOptions = {
    ...(query.tailLines !== undefined
      ? { tailLines: nonNegative(query.tailLines, 'tailLines') }
      : {}),
    ...(query.sinceSeconds !== undefined
      ? { sinceSeconds: nonNegative(query.sinceSeconds, 'sinceSeconds') }
      : {}),
    timestamps: query.timestamps === 'true',
  };
  const headers = { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache' };
  if (query.follow === 'true') {
    const read = () => resources.find(type, namespace, name);
    return c.body(followLogs(read, container, logIntervalMs, options), 200, headers);
  }
  const lines = logLines(pod, container, Date.now(), logIntervalMs, options);
  return c.body(lines.map((line) => `${line}\n`).join(''), 200, headers);
}

function nonNegative(raw: string, name: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw badRequest(
      `${name}: Invalid value: ${JSON.stringify(raw)}: must be a non-negative integer`,
    );
  }
  return value;
}

function watch(
  c: Context,
  target: RequestTarget,
  { watches }: HandlerDeps,
  query: Record<string, string>,
) {
  const options = listOptions(query, target.type);
  const timeoutSeconds = Number(query.timeoutSeconds);
  const printing = tableRequest(c.req.header('accept'), query.includeObject);
  const body = watches.stream({
    type: target.type,
    ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
    ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
    ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
    after: watchRevision(query),
    bookmarks: query.allowWatchBookmarks === 'true',
    timeoutMs: timeoutSeconds > 0 ? timeoutSeconds * 1000 : DEFAULT_WATCH_TIMEOUT_MS,
    ...(printing ? { encodeObject: tableWatchEncoder(target.type, printing) } : {}),
  });
  return c.body(body, 200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
}

/** `dryRun` and the field manager (named, or taken from the User-Agent as Kubernetes does). */
function writeOptions(c: Context, query: Record<string, string>): WriteOptions {
  const manager = query.fieldManager ?? defaultManager(c.req.header('user-agent'));
  if (Buffer.byteLength(manager) > 128) {
    throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
  }
  return { dryRun: isDryRun(query), manager };
}

/** kube-apiserver checks `PatchOptions` before anything else and answers a 422 about them. */
const fieldManagerRequired = () =>
  invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [
    requiredValue('fieldManager', 'is required for apply patch'),
  ]);

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
