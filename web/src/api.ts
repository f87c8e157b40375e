/** Thin client for the hub's REST API; errors carry the hub's `{error:{code,message}}`. */
import type { JsonObject } from '../../shared/design/model';
import type { PresentUser } from '../../shared/presence';
import { sharedLoad } from './lib/sharedLoad';

export interface DesignSummary {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  /** Who has the design open right now. */
  present: PresentUser[];
}

/** A palette entry: one kind a model defines. */
export interface ComponentKind {
  kind: string;
  apiVersion: string;
  namespaced: boolean;
  category: string;
  description: string;
  style: { colour: string; shape: 'rounded' | 'container'; icon: string };
}

/** A failed request, with the hub's error code when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The hub's refusal as an ApiError, with the code and message it sent when it sent them. */
export async function refusal(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as {
    error?: { code?: string; message?: string };
  } | null;
  return new ApiError(
    response.status,
    body?.error?.code ?? 'http_error',
    body?.error?.message ?? `${response.status} ${response.statusText}`,
  );
}

/** One JSON request to the hub; a failure becomes an ApiError. */
export async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: { 'Content-Type': 'application/json', ...init?.headers },
    });
  } catch {
    throw new ApiError(0, 'unreachable', 'the hub is unreachable; check that it is running');
  }
  if (!response.ok) throw await refusal(response);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export const listDesigns = (): Promise<DesignSummary[]> => request('/api/designs');

/** Longer than a large design takes to arrive; a hub that does not answer at all is not waited on. */
const DESIGN_STATE_TIMEOUT_MS = 5_000;

/**
 * A design's document as the hub holds it (one Yjs update), or null when the hub cannot give it
 * (unreachable, design gone, too slow): the editor then starts from the WebSocket sync alone.
 */
export async function fetchDesignState(id: string): Promise<Uint8Array | null> {
  try {
    const response = await fetch(`/api/designs/${encodeURIComponent(id)}/state`, {
      signal: AbortSignal.timeout(DESIGN_STATE_TIMEOUT_MS),
    });
    return response.ok ? new Uint8Array(await response.arrayBuffer()) : null;
  } catch {
    return null;
  }
}

export const createDesign = (name: string): Promise<DesignSummary> =>
  request('/api/designs', { method: 'POST', body: JSON.stringify({ name }) });

export const renameDesign = (id: string, name: string): Promise<DesignSummary> =>
  request(`/api/designs/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body: JSON.stringify({ name }),
  });

export const deleteDesign = (id: string): Promise<void> =>
  request(`/api/designs/${encodeURIComponent(id)}`, { method: 'DELETE' });

/** Creates a design from Kubernetes YAML (one or more documents). */
export const importDesign = (name: string, yaml: string): Promise<DesignSummary> =>
  request(`/api/designs/import?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    body: yaml,
    headers: { 'Content-Type': 'application/yaml' },
  });

export const listComponentKinds = (model: string): Promise<ComponentKind[]> =>
  request(`/api/models/${encodeURIComponent(model)}/components`);

const schemas = new Map<string, () => Promise<JsonObject>>();

/**
 * The JSON Schema of one kind's resource. Schemas do not change while the page is open, so each
 * is fetched once; a failed fetch is forgotten so the next asks again.
 */
export function componentSchema(
  model: string,
  kind: string,
  apiVersion: string,
): Promise<JsonObject> {
  const key = `${model}/${kind}/${apiVersion}`;
  let loadSchema = schemas.get(key);
  if (!loadSchema) {
    const path = `/api/models/${encodeURIComponent(model)}/components/${encodeURIComponent(kind)}`;
    loadSchema = sharedLoad(() =>
      request<{ schema: JsonObject }>(`${path}?apiVersion=${encodeURIComponent(apiVersion)}`).then(
        (definition) => definition.schema,
      ),
    );
    schemas.set(key, loadSchema);
  }
  return loadSchema();
}

/** A kind of line a person can draw between two components. */
export interface RelationshipType {
  kind: string;
  type: string;
  subType: string;
}

/**
 * The edge and sibling types of the hub's relationship definitions, each once (hierarchical ones
 * are drawn as containers, not lines). Fetched once per page; a failed fetch is forgotten.
 */
export const relationshipTypes = sharedLoad(() =>
  request<RelationshipType[]>('/api/relationships').then((definitions) => {
    const seen = new Map<string, RelationshipType>();
    for (const { kind, type, subType } of definitions) {
      if (kind !== 'hierarchical') seen.set(`${kind}/${type}/${subType}`, { kind, type, subType });
    }
    return [...seen.values()];
  }),
);
