/**
 * The kinds discovery reads from a cluster: the Kubernetes model's kinds that say what a team
 * runs (workloads, their configuration, networking, storage claims and namespaced RBAC), in the
 * order a design lists them. Left out on purpose, with why:
 * - Endpoints and EndpointSlices: the cluster makes them from Services.
 * - Nodes, PersistentVolumes, StorageClasses, CSIDrivers, IngressClasses, PriorityClasses: the
 *   cluster's own infrastructure, shared by everything on it rather than part of one design.
 * - ClusterRoles and ClusterRoleBindings: mostly the cluster's own (`system:…`, `admin`, `view`),
 *   and cluster-wide, so no namespace or selector would keep them apart from a design's.
 * - CustomResourceDefinitions: they go into the model registry (`import-crds`), not a design.
 * - Events, ControllerRevisions, Leases: records the cluster keeps, not configuration.
 */
export interface ImportedKind {
  apiVersion: string;
  kind: string;
  namespaced: boolean;
}

const namespaced = (apiVersion: string, kind: string): ImportedKind => ({
  apiVersion,
  kind,
  namespaced: true,
});

export const IMPORTED_KINDS: readonly ImportedKind[] = [
  { apiVersion: 'v1', kind: 'Namespace', namespaced: false },
  namespaced('v1', 'ServiceAccount'),
  namespaced('rbac.authorization.k8s.io/v1', 'Role'),
  namespaced('rbac.authorization.k8s.io/v1', 'RoleBinding'),
  namespaced('v1', 'ConfigMap'),
  namespaced('v1', 'Secret'),
  namespaced('v1', 'PersistentVolumeClaim'),
  namespaced('v1', 'LimitRange'),
  namespaced('v1', 'ResourceQuota'),
  namespaced('apps/v1', 'Deployment'),
  namespaced('apps/v1', 'StatefulSet'),
  namespaced('apps/v1', 'DaemonSet'),
  // Only those no controller owns: a Deployment's ReplicaSets, a Job's Pods are left out.
  namespaced('apps/v1', 'ReplicaSet'),
  namespaced('v1', 'Pod'),
  namespaced('batch/v1', 'Job'),
  namespaced('batch/v1', 'CronJob'),
  namespaced('v1', 'Service'),
  namespaced('networking.k8s.io/v1', 'Ingress'),
  namespaced('networking.k8s.io/v1', 'NetworkPolicy'),
  namespaced('autoscaling/v2', 'HorizontalPodAutoscaler'),
  namespaced('policy/v1', 'PodDisruptionBudget'),
];

/** Where a kind comes in `IMPORTED_KINDS`, for ordering a design's components. */
export const kindRank = (kind: string): number =>
  IMPORTED_KINDS.findIndex((imported) => imported.kind === kind);
