/**
 * Objects exactly as the API server sends them. client-node's `KubernetesObjectApi` turns the
 * kinds it has models for into its model classes, which drops every field its models do not
 * know (a field newer than the library) and renames a few (`x-kubernetes-…` in a CRD's schema,
 * `$ref`): comparing a design with such objects would see fields that are there as missing.
 * The URL comes from `KubernetesObjectApi` (discovery, cached), the request is authenticated by
 * the connection's `KubeConfig` (its pooled connection and request timeout), and the JSON is
 * left as it is.
 */
import {
  ApiException,
  HttpMethod,
  KubernetesObjectApi,
  RequestContext,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { fetch } from 'undici';
import { isJsonObject, type JsonObject } from '../../shared/design/model.js';
import { clusterFailure } from './failure.js';

/** What is needed of `KubernetesObjectApi`: its URL for an object or a collection. */
class ObjectPaths extends KubernetesObjectApi {
  /** Objects named without a namespace are in the context's, as kubectl has it. */
  useNamespaceOf(config: KubeConfig): void {
    this.setDefaultNamespace(config);
  }

  pathOf(spec: KubernetesObject, action: 'read' | 'list'): Promise<string> {
    return this.specUriPath(spec, action);
  }
}

export class RawObjects {
  private readonly paths: ObjectPaths;

  constructor(private readonly config: KubeConfig) {
    this.paths = config.makeApiClient(ObjectPaths);
    this.paths.useNamespaceOf(config);
  }

  /** One object; null when the cluster does not have it (or does not serve its kind). */
  async read(header: {
    apiVersion: string;
    kind: string;
    namespace?: string;
    name: string;
  }): Promise<JsonObject | null> {
    const spec = {
      apiVersion: header.apiVersion,
      kind: header.kind,
      metadata: { name: header.name, ...(header.namespace ? { namespace: header.namespace } : {}) },
    };
    const path = await this.pathOrNull(spec, 'read');
    if (path === null) return null;
    try {
      return asObject(await this.get(path));
    } catch (error) {
      if (clusterFailure(error).code === 404) return null;
      throw error;
    }
  }

  /** The objects of a kind in every namespace that match `labelSelector`; none if not served. */
  async list(apiVersion: string, kind: string, labelSelector: string): Promise<JsonObject[]> {
    const path = await this.pathOrNull({ apiVersion, kind, metadata: {} }, 'list');
    if (path === null) return [];
    let list: JsonObject;
    try {
      list = asObject(await this.get(`${path}?labelSelector=${encodeURIComponent(labelSelector)}`));
    } catch (error) {
      if (clusterFailure(error).code === 404) return [];
      throw error;
    }
    return Array.isArray(list.items) ? list.items.filter(isJsonObject) : [];
  }

  /** The URL path of an object or collection; null for a kind the cluster does not serve. */
  private async pathOrNull(
    spec: KubernetesObject,
    action: 'read' | 'list',
  ): Promise<string | null> {
    try {
      return await this.paths.pathOf(spec, action);
    } catch (error) {
      // client-node says so with a plain Error when discovery does not list the kind.
      if (error instanceof Error && /^Unrecognized API version and kind/.test(error.message)) {
        return null;
      }
      if (clusterFailure(error).code === 404) return null;
      throw error;
    }
  }

  private async get(path: string): Promise<unknown> {
    const url = `${this.config.getCurrentCluster()!.server}${path}`;
    const context = new RequestContext(url, HttpMethod.GET);
    context.setHeaderParam('Accept', 'application/json');
    await this.config.applySecurityAuthentication(context);
    const response = await fetch(url, {
      headers: context.getHeaders(),
      dispatcher: context.getDispatcher(),
      signal: context.getSignal() ?? null,
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page): kept as text for the error.
    }
    if (!response.ok) {
      throw new ApiException(
        response.status,
        `the cluster answered ${response.status}`,
        body,
        Object.fromEntries(response.headers),
      );
    }
    return body;
  }
}

function asObject(value: unknown): JsonObject {
  if (!isJsonObject(value)) throw new Error('the cluster answered with something not an object');
  return value;
}
