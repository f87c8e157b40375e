/** Thin client for the hub's REST API; errors carry the hub's `{error:{code,message}}`. */

export interface DesignSummary {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: { 'Content-Type': 'application/json', ...init?.headers },
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as {
      error?: { message?: string };
    } | null;
    throw new Error(body?.error?.message ?? `${response.status} ${response.statusText}`);
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export const listDesigns = (): Promise<DesignSummary[]> => request('/api/designs');

export const createDesign = (name: string): Promise<DesignSummary> =>
  request('/api/designs', { method: 'POST', body: JSON.stringify({ name }) });
