/**
 * The sandbox's OpenAPI documents: `/openapi/v2` (one document for everything) and
 * `/openapi/v3` (an index naming one document per group version, each URL carrying the hash of
 * its content). kubectl 1.32 reads v3 to validate, to compute client-side apply's strategic
 * merge patch and for `explain`; v2 is served as JSON for other clients (kubectl asks for v2 in
 * protobuf only, which the sandbox declines with 406, and then does without).
 *
 * The documents are large and the catalog rarely changes, so each is built once per catalog
 * content and kept as its serialized text with its hash.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { ApiError, noSuchResource } from './apiStatus.js';
import { KUBERNETES_VERSION } from './discovery.js';
import { pathsV2, pathsV3 } from './openapiPaths.js';
import { definitionsFor, renderV2, renderV3 } from './openapiSchemas.js';
import type { ResourceCatalog } from './resourceCatalog.js';
import type { ResourceType } from './resourceTypes.js';

/** A document ready to send. */
export interface OpenApiDocument {
  body: string;
  /** Of the body: the v3 index puts it in each document's URL, and every response's ETag. */
  hash: string;
}

const INFO = { title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion };
const BEARER = { BearerToken: [] as string[] };

const documentOf = (content: unknown): OpenApiDocument => {
  const body = JSON.stringify(content);
  return { body, hash: createHash('sha256').update(body).digest('hex').toUpperCase() };
};

/** `api/v1`, `apis/apps/v1`: the key of a group version in the v3 index. */
const groupVersionPath = ({ group, version }: Pick<ResourceType, 'group' | 'version'>) =>
  group === '' ? `api/${version}` : `apis/${group}/${version}`;

function buildV2(types: readonly ResourceType[]): OpenApiDocument {
  return documentOf({
    swagger: '2.0',
    info: INFO,
    paths: pathsV2(types),
    definitions: renderV2(definitionsFor(types)),
    securityDefinitions: {
      BearerToken: { type: 'apiKey', name: 'authorization', in: 'header' },
    },
    security: [BEARER],
  });
}

function buildV3(types: readonly ResourceType[]): OpenApiDocument {
  return documentOf({
    openapi: '3.0.0',
    info: INFO,
    paths: pathsV3(types),
    components: {
      schemas: renderV3(definitionsFor(types)),
      securitySchemes: {
        BearerToken: { type: 'apiKey', name: 'authorization', in: 'header' },
      },
    },
    security: [BEARER],
  });
}

/** What one catalog content yields, each document built on first use. */
interface Generation {
  /** The catalog's version it was built from. */
  version: number;
  types: readonly ResourceType[];
  v2?: OpenApiDocument;
  v3?: Map<string, OpenApiDocument>;
  index?: OpenApiDocument;
}

/** The documents of a catalog, rebuilt when (and only when) the kinds it serves change. */
export class OpenApiDocuments {
  private generation: Generation | undefined;

  constructor(private readonly catalog: ResourceCatalog) {}

  /** `/openapi/v2`. */
  v2(): OpenApiDocument {
    const generation = this.current();
    generation.v2 ??= buildV2(generation.types);
    return generation.v2;
  }

  /** `/openapi/v3`: `{paths: {"apis/apps/v1": {serverRelativeURL: "/openapi/v3/apis/apps/v1?hash=…"}}}`. */
  v3Index(): OpenApiDocument {
    const generation = this.current();
    if (!generation.index) {
      const entries = [...this.v3Documents(generation)].map(([path, document]) => [
        path,
        { serverRelativeURL: `/openapi/v3/${path}?hash=${document.hash}` },
      ]);
      generation.index = documentOf({ paths: Object.fromEntries(entries) });
    }
    return generation.index;
  }

  /** The v3 document of `api/v1` or `apis/<group>/<version>`, if the sandbox serves it. */
  v3(path: string): OpenApiDocument | undefined {
    return this.v3Documents(this.current()).get(path);
  }

  private v3Documents(generation: Generation): Map<string, OpenApiDocument> {
    if (!generation.v3) {
      const byGroupVersion = new Map<string, ResourceType[]>();
      for (const type of generation.types) {
        const path = groupVersionPath(type);
        byGroupVersion.set(path, [...(byGroupVersion.get(path) ?? []), type]);
      }
      generation.v3 = new Map([...byGroupVersion].map(([path, types]) => [path, buildV3(types)]));
    }
    return generation.v3;
  }

  private current(): Generation {
    const { version } = this.catalog;
    if (this.generation?.version !== version) {
      this.generation = { version, types: this.catalog.all() };
    }
    return this.generation;
  }
}

/** Whether an `Accept` header takes JSON; kubectl's v2 client asks for protobuf only. */
function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((range) => {
    const [type = '', ...parameters] = range.split(';').map((part) => part.trim());
    const refused = parameters.some((parameter) => /^q=0(\.0*)?$/.test(parameter));
    return !refused && ['application/json', 'application/*', '*/*'].includes(type.toLowerCase());
  });
}

const notAcceptable = () =>
  new ApiError(
    406,
    'NotAcceptable',
    'only the following media types are accepted: application/json',
  );

/**
 * Answers with a document: 406 unless JSON is acceptable, 304 when the client's copy is current.
 * `immutable` marks a response to a URL with the right hash, which never changes, as
 * kube-apiserver does, so kubectl's disk cache keeps it without asking again.
 */
export function sendDocument(c: Context, document: OpenApiDocument, immutable = false): Response {
  if (!acceptsJson(c.req.header('accept'))) throw notAcceptable();
  const etag = `"${document.hash}"`;
  const headers: Record<string, string> = { etag, vary: 'Accept' };
  if (immutable) {
    headers['cache-control'] = 'public, immutable';
    headers.expires = new Date(Date.now() + 365 * 24 * 3600_000).toUTCString();
  }
  if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
  return c.body(document.body, 200, { ...headers, 'content-type': 'application/json' });
}

/**
 * `/openapi/v3/<group version>[?hash=…]`. A stale hash is redirected to the current URL, as
 * kube-apiserver does, rather than answered with content that does not match it.
 */
export function sendGroupVersion(c: Context, documents: OpenApiDocuments): Response {
  const path = new URL(c.req.url).pathname.replace(/^\/openapi\/v3\//, '');
  const document = documents.v3(path);
  if (!document) throw noSuchResource();
  const hash = c.req.query('hash');
  if (hash !== undefined && hash !== document.hash) {
    return c.redirect(`/openapi/v3/${path}?hash=${document.hash}`, 301);
  }
  return sendDocument(c, document, hash !== undefined);
}
