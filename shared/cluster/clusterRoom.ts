/**
 * The room of a live cluster (`clusters/<connectionId>`), which only the hub writes: a summary
 * of every object it watches, the latest Events, and whether the view is current.
 */
import type * as Y from 'yjs';

export const ClusterKey = {
  /** uid → ResourceSummary */
  resources: 'resources',
  /** The latest Events, oldest first, at most MAX_EVENTS. */
  events: 'events',
  /** `state` → ViewState, `error` → string, `since` → ISO time. */
  status: 'status',
  /** Relationship id → LiveRelationship: the live topology between resources (by uid). */
  relationships: 'relationships',
} as const;

export const MAX_EVENTS = 200;

/** `syncing` until every watch has listed once; `stale` while any watch is down. */
export type ViewState = 'syncing' | 'live' | 'stale';

export interface ResourceSummary {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  uid: string;
  labels: Record<string, string>;
  ownerReferences: { kind: string; name: string; uid: string }[];
  createdAt?: string;
  phase?: string;
  /** Ready replicas (or containers, for a Pod) against those wanted. */
  ready?: number;
  desired?: number;
  conditions?: { type: string; status: string; reason?: string }[];
  images?: string[];
  /** A Pod's container names. */
  containers?: string[];
  /** What a Service or workload selects (`matchLabels`). */
  selector?: Record<string, string>;
  ports?: { name?: string; port: number; targetPort?: number | string; protocol?: string }[];
  /** The node a Pod runs on. */
  node?: string;
  /** Nodes marked unschedulable (cordoned). */
  unschedulable?: boolean;
}

/**
 * A line between two live objects: a relationship definition's (a Service selecting Pods, a
 * workload mounting a ConfigMap), or `kubernetes/owner-reference` from an owner to what it owns.
 */
export interface LiveRelationship {
  definition: string;
  type: string;
  subType: string;
  /** Resource uids. */
  from: string;
  to: string;
}

export interface ClusterEvent {
  uid: string;
  type: string;
  reason: string;
  message: string;
  object: { kind: string; name: string; namespace?: string };
  count: number;
  at: string;
}

export function readClusterResources(doc: Y.Doc): ResourceSummary[] {
  return [...doc.getMap<ResourceSummary>(ClusterKey.resources).values()];
}

/** The live topology, by relationship id. */
export function readClusterRelationships(doc: Y.Doc): Map<string, LiveRelationship> {
  return new Map(doc.getMap<LiveRelationship>(ClusterKey.relationships).entries());
}

export function readClusterEvents(doc: Y.Doc): ClusterEvent[] {
  return doc.getArray<ClusterEvent>(ClusterKey.events).toArray();
}

export function readViewState(doc: Y.Doc): { state?: ViewState; error?: string } {
  const status = doc.getMap<string>(ClusterKey.status);
  return {
    ...(status.has('state') ? { state: status.get('state') as ViewState } : {}),
    ...(status.has('error') ? { error: status.get('error')! } : {}),
  };
}
