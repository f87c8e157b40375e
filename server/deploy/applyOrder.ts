/**
 * The order objects are applied in, so that what an object needs exists before it: Namespaces
 * and CRDs first, then identities and permissions, configuration and storage, workloads,
 * Services, what routes to them, and what scales or protects workloads. Custom resources and
 * unknown kinds go with the workloads (after their CRDs). Undeploy goes in reverse.
 */
const STAGES: readonly (readonly string[])[] = [
  ['Namespace'],
  ['CustomResourceDefinition', 'PriorityClass', 'StorageClass', 'IngressClass'],
  ['ServiceAccount', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  [
    'ConfigMap',
    'Secret',
    'PersistentVolume',
    'PersistentVolumeClaim',
    'LimitRange',
    'ResourceQuota',
  ],
  [],
  ['Service'],
  ['Ingress', 'NetworkPolicy'],
  ['HorizontalPodAutoscaler', 'PodDisruptionBudget'],
];
/** Workloads, custom resources and anything not named above. */
const DEFAULT_STAGE = 4;

const stageByKind = new Map(STAGES.flatMap((kinds, stage) => kinds.map((kind) => [kind, stage])));

export const applyStage = (kind: string): number => stageByKind.get(kind) ?? DEFAULT_STAGE;

/** `items` grouped by apply stage, stages in apply order, items in the order given. */
export function applyStages<T>(items: readonly T[], kindOf: (item: T) => string): T[][] {
  const byStage = new Map<number, T[]>();
  for (const item of items) {
    const stage = applyStage(kindOf(item));
    byStage.set(stage, [...(byStage.get(stage) ?? []), item]);
  }
  return [...byStage.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}
