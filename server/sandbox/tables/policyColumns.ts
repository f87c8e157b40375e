/**
 * The columns of the kinds that govern workloads: autoscalers (what they scale, their metrics
 * against targets), disruption budgets, priority classes and RBAC bindings.
 */
import type { KubeObject } from '../kubeObject.js';
import { ageOf, at, count, objects, scalarText, text, type Json } from './cells.js';
import {
  ageColumn,
  column,
  doc,
  nameColumn,
  printer,
  wideColumn,
  type Printer,
} from './printer.js';

/** A quantity as Kubernetes prints it; an unset one is zero. */
const quantity = (value: unknown): string => scalarText(value) || '0';

const percent = (value: unknown): string | undefined =>
  typeof value === 'number' ? `${value}%` : undefined;

/** `current/target` of one metric; `(avg)` for an external or object metric's average. */
function metricText(spec: Json, status: Json | undefined): string {
  // Which part of the spec and status describes the metric: `resource` for `Resource`, ….
  const key = String(spec.type).charAt(0).toLowerCase() + String(spec.type).slice(1);
  const target = at(spec, key, 'target');
  const reported = status !== undefined && status[key] !== undefined;
  const current = at(status, key, 'current');
  const currentOf = (field: string) => (reported ? quantity(at(current, field)) : '<unknown>');
  const hasAverage = at(target, 'averageValue') !== undefined;
  switch (spec.type) {
    case 'External':
    case 'Object':
      if (!hasAverage) return `${currentOf('value')}/${quantity(at(target, 'value'))}`;
      return at(current, 'averageValue') === undefined
        ? `<unknown>/${quantity(at(target, 'averageValue'))} (avg)`
        : `${currentOf('averageValue')}/${quantity(at(target, 'averageValue'))} (avg)`;
    case 'Pods':
      return `${currentOf('averageValue')}/${quantity(at(target, 'averageValue'))}`;
    case 'Resource':
    case 'ContainerResource': {
      const name = text(at(spec, key, 'name'));
      if (hasAverage) {
        return `${name}: ${currentOf('averageValue')}/${quantity(at(target, 'averageValue'))}`;
      }
      const now = percent(at(current, 'averageUtilization')) ?? '<unknown>';
      return `${name}: ${now}/${percent(at(target, 'averageUtilization')) ?? '<auto>'}`;
    }
    default:
      return '<unknown type>';
  }
}

/** The first two metrics as `cpu: 45%/80%, …`, then ` + 1 more...`; `<none>` without any. */
function metricsText(autoscaler: KubeObject): string {
  const specs = objects(at(autoscaler.spec, 'metrics'));
  if (specs.length === 0) return '<none>';
  const statuses = objects(at(autoscaler.status, 'currentMetrics'));
  const shown = specs.slice(0, 2).map((spec, index) => metricText(spec, statuses[index]));
  const rest = specs.length - 2;
  return rest > 0 ? `${shown.join(', ')} + ${rest} more...` : shown.join(', ');
}

const HPA_SPEC = 'autoscaling.v2.HorizontalPodAutoscalerSpec';

/** `kubectl get hpa`: REFERENCE, TARGETS, MINPODS, MAXPODS, REPLICAS. */
export const horizontalPodAutoscalerPrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Reference', 'string', doc(HPA_SPEC, 'scaleTargetRef')),
    column('Targets', 'string', doc(HPA_SPEC, 'metrics')),
    column('MinPods', 'string', doc(HPA_SPEC, 'minReplicas')),
    column('MaxPods', 'string', doc(HPA_SPEC, 'maxReplicas')),
    column(
      'Replicas',
      'string',
      doc('autoscaling.v2.HorizontalPodAutoscalerStatus', 'currentReplicas'),
    ),
    ageColumn(),
  ],
  (autoscaler, now) => {
    const target = at(autoscaler.spec, 'scaleTargetRef');
    const minimum = at(autoscaler.spec, 'minReplicas');
    return [
      autoscaler.metadata.name,
      `${text(at(target, 'kind'))}/${text(at(target, 'name'))}`,
      metricsText(autoscaler),
      typeof minimum === 'number' ? String(minimum) : '<unset>',
      count(at(autoscaler.spec, 'maxReplicas')),
      count(at(autoscaler.status, 'currentReplicas')),
      ageOf(autoscaler, now),
    ];
  },
);

/** `kubectl get pdb`: MIN AVAILABLE, MAX UNAVAILABLE, ALLOWED DISRUPTIONS. */
export const podDisruptionBudgetPrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column(
      'Allowed Disruptions',
      'integer',
      'Calculated number of pods that may be disrupted at this time.',
    ),
    ageColumn(),
  ],
  (budget, now) => [
    budget.metadata.name,
    scalarText(at(budget.spec, 'minAvailable')) || 'N/A',
    scalarText(at(budget.spec, 'maxUnavailable')) || 'N/A',
    count(at(budget.status, 'disruptionsAllowed')),
    ageOf(budget, now),
  ],
);

/** `kubectl get priorityclasses`: VALUE, GLOBAL-DEFAULT, PREEMPTIONPOLICY. */
export const priorityClassPrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Value', 'integer', doc('scheduling.v1.PriorityClass', 'value')),
    column('Global-Default', 'boolean', doc('scheduling.v1.PriorityClass', 'globalDefault')),
    ageColumn(),
    column('PreemptionPolicy', 'string', doc('scheduling.v1.PriorityClass', 'preemptionPolicy')),
  ],
  (priorityClass, now) => [
    priorityClass.metadata.name,
    count(priorityClass.value),
    priorityClass.globalDefault === true,
    ageOf(priorityClass, now),
    text(priorityClass.preemptionPolicy),
  ],
);

/** The users, groups and service accounts (`namespace/name`) a binding names. */
function subjectCells(binding: KubeObject): [string, string, string] {
  const named = (kind: string) => objects(binding.subjects).filter((s) => s.kind === kind);
  const accounts = named('ServiceAccount').map((s) =>
    text(s.namespace) ? `${text(s.namespace)}/${text(s.name)}` : text(s.name),
  );
  return [
    named('User')
      .map((s) => text(s.name))
      .join(', '),
    named('Group')
      .map((s) => text(s.name))
      .join(', '),
    accounts.join(', '),
  ];
}

/** The ROLE, AGE and wide subject columns of RoleBindings and ClusterRoleBindings. */
const bindingPrinter = (kind: 'RoleBinding' | 'ClusterRoleBinding', noun: string): Printer =>
  printer(
    () => [
      nameColumn(),
      column('Role', 'string', doc(`rbac.v1.${kind}`, 'roleRef')),
      ageColumn(),
      wideColumn('Users', 'string', `Users in the ${noun}`),
      wideColumn('Groups', 'string', `Groups in the ${noun}`),
      wideColumn('ServiceAccounts', 'string', `ServiceAccounts in the ${noun}`),
    ],
    (binding, now) => [
      binding.metadata.name,
      `${text(at(binding, 'roleRef', 'kind'))}/${text(at(binding, 'roleRef', 'name'))}`,
      ageOf(binding, now),
      ...subjectCells(binding),
    ],
  );

/** `kubectl get rolebindings`: ROLE; wide USERS, GROUPS, SERVICEACCOUNTS. */
export const roleBindingPrinter = bindingPrinter('RoleBinding', 'roleBinding');

/** `kubectl get clusterrolebindings`: ROLE; wide USERS, GROUPS, SERVICEACCOUNTS. */
export const clusterRoleBindingPrinter = bindingPrinter('ClusterRoleBinding', 'clusterRoleBinding');
