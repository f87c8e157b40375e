/**
 * What the hub's API says about clusters: connections (`/api/connections`), environments
 * (`/api/environments`) and the activity list (`/api/activity`). Shared by the hub, which
 * answers with them, and the web client, which shows them.
 */

/** Where a connection comes from: the built-in sandbox, `--kubeconfig`, or the API. */
export type ConnectionSource = 'sandbox' | 'kubeconfig' | 'added';

export type ConnectionState = 'checking' | 'reachable' | 'unreachable';

/** What the API shows of a connection: never a token, key or certificate. */
export interface ConnectionView {
  id: string;
  name: string;
  source: ConnectionSource;
  context: string;
  server: string;
  state: ConnectionState;
  /** The API server's `gitVersion`, once a check has reached it. */
  version: string | null;
  /** When the last check finished (ISO 8601). */
  checkedAt: string | null;
  /** The most recent failed check, even if a later one succeeded. */
  lastError: { message: string; at: string } | null;
}

/** A named group of connections, deployed to together. */
export interface Environment {
  id: string;
  name: string;
  /** Connection ids, in the order given. */
  connections: string[];
}

export type ActionName = 'scale' | 'restart' | 'delete' | 'cordon' | 'uncordon';

/** Kinds `scale` applies to (they have the scale subresource). */
export const SCALABLE_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'ReplicaSet'];
/** Kinds `restart` applies to (they roll their pods on a pod template change). */
export const RESTARTABLE_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** One thing someone did to a cluster, and how it went. */
export interface Activity {
  id: string;
  at: string;
  /** Who asked (the name the web client goes by, until sign-in arrives). */
  by: string;
  connection: string;
  action: string;
  kind: string;
  namespace?: string;
  name: string;
  replicas?: number;
  result: 'succeeded' | 'failed';
  message: string;
}
