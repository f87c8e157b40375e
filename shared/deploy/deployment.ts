/**
 * Deployments as the hub reports them: in `GET /api/deployments/:id`, and per connection in the
 * design's derived room (`deployments`), where the canvas reads each component's progress.
 */

export type DeploymentAction = 'deploy' | 'undeploy';
export type DeploymentState = 'pending' | 'running' | 'succeeded' | 'failed';
export type ResourceState = 'pending' | 'applied' | 'ready' | 'failed';

/** Labels and annotations the hub puts on every object it applies. */
export const DESIGN_LABEL = 'weft.dev/design';
export const COMPONENT_ANNOTATION = 'weft.dev/component';

/** One key for an object on a cluster: its kind, namespace and name. */
export const objectIdentity = (object: {
  kind: string;
  namespace?: string | undefined;
  name: string;
}): string => `${object.kind}\u0000${object.namespace ?? ''}\u0000${object.name}`;

/** One field the API server refused, mapped onto the component's own paths. */
export interface FieldProblem {
  /** The API server's field path (`spec.replicas`). */
  field: string;
  /** The same field in the component (`config.spec.replicas`), as findings name fields. */
  path: string;
  message: string;
}

export interface DeployedResource {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** The design component it comes from; null for an object found on the cluster only. */
  component: string | null;
  /** `apply` an object of the design, `prune` one the design no longer has, `delete` on undeploy. */
  action: 'apply' | 'prune' | 'delete';
  state: ResourceState;
  message: string;
  /** Another field manager owns fields this apply sets: applied again only with `force`. */
  conflict?: boolean;
  problems?: FieldProblem[];
}

/** A deployment's progress on one connection (the derived room's `deployments` entry). */
export interface ConnectionDeployment {
  /** The deployment this progress belongs to. */
  deployment: string;
  action: DeploymentAction;
  dryRun: boolean;
  state: DeploymentState;
  startedAt: string;
  /** When every object was applied (or deleted) and pruning was done, before any waiting. */
  appliedAt: string | null;
  finishedAt: string | null;
  resources: DeployedResource[];
  /** What stopped the deployment as a whole (validation, an unreachable cluster). */
  error?: string;
}

/** `GET /api/deployments/:id`. */
export interface Deployment {
  id: string;
  design: string;
  action: DeploymentAction;
  dryRun: boolean;
  force: boolean;
  connections: string[];
  state: DeploymentState;
  startedAt: string;
  /** When the last connection's `appliedAt` came. */
  appliedAt: string | null;
  finishedAt: string | null;
  resources: (DeployedResource & { connection: string })[];
  /** Per connection: what stopped it, if anything did. */
  errors: Record<string, string>;
}

/** The state of several parts together: running until all finish, failed if any failed. */
export function combinedState(states: readonly DeploymentState[]): DeploymentState {
  if (states.some((state) => state === 'pending' || state === 'running')) {
    return states.every((state) => state === 'pending') ? 'pending' : 'running';
  }
  return states.some((state) => state === 'failed') ? 'failed' : 'succeeded';
}
