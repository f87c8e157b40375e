/** Small fetch wrappers for the REST API. */

export async function api<T = unknown>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export interface DesignJson {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  components?: { id: string; config: Record<string, unknown> }[];
}

/** Creates a design and returns its id. */
export async function createDesign(base: string, name = 'test design'): Promise<string> {
  const { status, body } = await api<DesignJson>(base, 'POST', '/api/designs', { name });
  if (status !== 201)
    throw new Error(`creating a design failed: ${status} ${JSON.stringify(body)}`);
  return body.id;
}

/** Imports Kubernetes YAML as a new design and returns its id. */
export async function importDesign(base: string, yaml: string, name = 'imported'): Promise<string> {
  const response = await fetch(`${base}/api/designs/import?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/yaml' },
    body: yaml,
  });
  const body = (await response.json()) as DesignJson;
  if (response.status !== 201)
    throw new Error(`importing a design failed: ${response.status} ${JSON.stringify(body)}`);
  return body.id;
}
