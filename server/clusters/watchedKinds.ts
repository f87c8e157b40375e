/**
 * What a live cluster view watches: the kinds a design holds and the ones their controllers
 * make (ReplicaSets, Pods), nodes, and Events. One watch per kind for the whole cluster.
 */
export interface WatchedKind {
  apiVersion: string;
  kind: string;
  /** The collection's path across all namespaces. */
  path: string;
}

const core = (kind: string, plural: string): WatchedKind => ({
  apiVersion: 'v1',
  kind,
  path: `/api/v1/${plural}`,
});

const grouped = (apiVersion: string, kind: string, plural: string): WatchedKind => ({
  apiVersion,
  kind,
  path: `/apis/${apiVersion}/${plural}`,
});

export const WATCHED_KINDS: readonly WatchedKind[] = [
  core('Namespace', 'namespaces'),
  core('Node', 'nodes'),
  core('Pod', 'pods'),
  core('Service', 'services'),
  core('ConfigMap', 'configmaps'),
  core('Secret', 'secrets'),
  core('PersistentVolumeClaim', 'persistentvolumeclaims'),
  core('ServiceAccount', 'serviceaccounts'),
  core('Event', 'events'),
  grouped('apps/v1', 'Deployment', 'deployments'),
  grouped('apps/v1', 'ReplicaSet', 'replicasets'),
  grouped('apps/v1', 'StatefulSet', 'statefulsets'),
  grouped('apps/v1', 'DaemonSet', 'daemonsets'),
  grouped('batch/v1', 'Job', 'jobs'),
  grouped('batch/v1', 'CronJob', 'cronjobs'),
  grouped('networking.k8s.io/v1', 'Ingress', 'ingresses'),
  grouped('networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies'),
  grouped('autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers'),
  grouped('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets'),
  grouped('rbac.authorization.k8s.io/v1', 'Role', 'roles'),
  grouped('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings'),
];
