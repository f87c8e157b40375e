/**
 * The hub's REST API for clusters: connections, environments, deployments, operate actions,
 * the activity list and pod logs.
 */
import type { Deployment } from '../../shared/deploy/deployment';
import type {
  ActionName,
  Activity,
  ConnectionView,
  Environment,
} from '../../shared/operate/connections';
import { refusal, request } from './api';

const json = (method: string, body: unknown): RequestInit => ({
  method,
  body: JSON.stringify(body),
});
const connectionPath = (id: string) => `/api/connections/${encodeURIComponent(id)}`;

export const listConnections = (): Promise<ConnectionView[]> => request('/api/connections');

export const getConnection = (id: string): Promise<ConnectionView> => request(connectionPath(id));

export const addConnection = (name: string, kubeconfig: string): Promise<ConnectionView> =>
  request('/api/connections', json('POST', { name, kubeconfig }));

export const checkConnection = (id: string): Promise<ConnectionView> =>
  request(`${connectionPath(id)}/check`, { method: 'POST' });

export const removeConnection = (id: string): Promise<void> =>
  request(connectionPath(id), { method: 'DELETE' });

export const listEnvironments = (): Promise<Environment[]> => request('/api/environments');

export const createEnvironment = (name: string, connections: string[]): Promise<Environment> =>
  request('/api/environments', json('POST', { name, connections }));

export const removeEnvironment = (id: string): Promise<void> =>
  request(`/api/environments/${encodeURIComponent(id)}`, { method: 'DELETE' });

export interface DeployOptions {
  connections: string[];
  dryRun?: boolean;
  force?: boolean;
}

export const deployDesign = (designId: string, options: DeployOptions): Promise<Deployment> =>
  request(`/api/designs/${encodeURIComponent(designId)}/deploy`, json('POST', options));

export const undeployDesign = (designId: string, connections: string[]): Promise<Deployment> =>
  request(`/api/designs/${encodeURIComponent(designId)}/undeploy`, json('POST', { connections }));

export interface ActionTarget {
  kind: string;
  namespace?: string;
  name: string;
}

export const runAction = (
  connection: string,
  action: ActionName,
  target: ActionTarget,
  by: string,
  replicas?: number,
): Promise<Activity> =>
  request(
    `${connectionPath(connection)}/actions`,
    json('POST', { action, ...target, by, ...(replicas === undefined ? {} : { replicas }) }),
  );

export const listActivity = (connection?: string): Promise<Activity[]> =>
  request(`/api/activity${connection ? `?connection=${encodeURIComponent(connection)}` : ''}`);

/**
 * Follows a pod container's log, handing each chunk of text to `onText` until `signal` aborts
 * or the log ends. Resolves when it ends; rejects with an ApiError if the hub refuses.
 */
export async function followPodLog(
  connection: string,
  target: { namespace: string; pod: string; container?: string },
  onText: (text: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const query = new URLSearchParams({
    namespace: target.namespace,
    pod: target.pod,
    tailLines: '200',
    follow: 'true',
    ...(target.container ? { container: target.container } : {}),
  });
  const response = await fetch(`${connectionPath(connection)}/logs?${query}`, { signal });
  if (!response.ok || !response.body) throw await refusal(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    onText(value);
  }
}

/** Writes the cluster's values of a drifted component into the design (all paths if none). */
export const adoptDrift = (
  designId: string,
  connection: string,
  component: string,
  paths?: string[],
): Promise<unknown> =>
  request(
    `/api/designs/${encodeURIComponent(designId)}/drift/adopt`,
    json('POST', { connection, component, ...(paths ? { paths } : {}) }),
  );

export interface DiscoveredDesign {
  id: string;
  name: string;
  components: number;
  skippedCount: number;
}

/** Builds a new design from a cluster's live objects (every namespace but the system ones if none). */
export const importFromCluster = (
  connection: string,
  options: { namespaces?: string[]; name?: string },
): Promise<DiscoveredDesign> =>
  request(`${connectionPath(connection)}/import`, json('POST', options));

/** Adds the cluster's CRDs to the model registry; answers the models added. */
export const importClusterCrds = (connection: string): Promise<{ name: string }[]> =>
  request(`${connectionPath(connection)}/import-crds`, { method: 'POST' });
