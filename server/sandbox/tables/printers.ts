/**
 * Which printer prints a kind: the built-in kinds' own columns, a custom resource's CRD
 * columns, and NAME and AGE for anything else.
 */
import type { ResourceType } from '../resourceTypes.js';
import { ageOf } from './cells.js';
import {
  configMapPrinter,
  createdAtPrinter,
  eventPrinter,
  namespacePrinter,
  nodePrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
} from './clusterColumns.js';
import { AGE_PRINTER_COLUMN, customPrinter } from './customColumns.js';
import {
  endpointSlicePrinter,
  endpointsPrinter,
  ingressClassPrinter,
  ingressPrinter,
  networkPolicyPrinter,
  servicePrinter,
} from './networkColumns.js';
import { podPrinter } from './podColumns.js';
import {
  clusterRoleBindingPrinter,
  horizontalPodAutoscalerPrinter,
  podDisruptionBudgetPrinter,
  priorityClassPrinter,
  roleBindingPrinter,
} from './policyColumns.js';
import { ageColumn, nameColumn, printer, type Printer } from './printer.js';
import {
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  storageClassPrinter,
} from './storageColumns.js';
import {
  cronJobPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  jobPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from './workloadColumns.js';

const RBAC = 'rbac.authorization.k8s.io';

/** Built-in kinds by `group/Kind` (`/Pod` for the core group). */
const BUILT_IN: Record<string, Printer> = {
  '/Pod': podPrinter,
  '/Service': servicePrinter,
  '/Endpoints': endpointsPrinter,
  '/ConfigMap': configMapPrinter,
  '/Secret': secretPrinter,
  '/ServiceAccount': serviceAccountPrinter,
  '/PersistentVolumeClaim': persistentVolumeClaimPrinter,
  '/PersistentVolume': persistentVolumePrinter,
  '/Node': nodePrinter,
  '/Namespace': namespacePrinter,
  '/Event': eventPrinter,
  '/LimitRange': createdAtPrinter,
  '/ResourceQuota': resourceQuotaPrinter,
  'apps/Deployment': deploymentPrinter,
  'apps/ReplicaSet': replicaSetPrinter,
  'apps/StatefulSet': statefulSetPrinter,
  'apps/DaemonSet': daemonSetPrinter,
  'batch/Job': jobPrinter,
  'batch/CronJob': cronJobPrinter,
  'autoscaling/HorizontalPodAutoscaler': horizontalPodAutoscalerPrinter,
  'policy/PodDisruptionBudget': podDisruptionBudgetPrinter,
  'networking.k8s.io/Ingress': ingressPrinter,
  'networking.k8s.io/IngressClass': ingressClassPrinter,
  'networking.k8s.io/NetworkPolicy': networkPolicyPrinter,
  'discovery.k8s.io/EndpointSlice': endpointSlicePrinter,
  'storage.k8s.io/StorageClass': storageClassPrinter,
  [`${RBAC}/Role`]: createdAtPrinter,
  [`${RBAC}/ClusterRole`]: createdAtPrinter,
  [`${RBAC}/RoleBinding`]: roleBindingPrinter,
  [`${RBAC}/ClusterRoleBinding`]: clusterRoleBindingPrinter,
  'scheduling.k8s.io/PriorityClass': priorityClassPrinter,
  'apiextensions.k8s.io/CustomResourceDefinition': createdAtPrinter,
};

/** NAME and AGE: kinds without columns of their own. */
const defaultPrinter = printer(
  () => [nameColumn(), ageColumn()],
  (object, now) => [object.metadata.name, ageOf(object, now)],
);

const customPrinters = new WeakMap<ResourceType, Printer>();

/** A custom resource's printer, made once for each of its kind's versions. */
function customPrinterOf(type: ResourceType): Printer {
  let found = customPrinters.get(type);
  if (!found) {
    const columns = type.printerColumns?.length ? type.printerColumns : [AGE_PRINTER_COLUMN];
    customPrinters.set(type, (found = customPrinter(columns)));
  }
  return found;
}

/**
 * The printer of a kind. Custom resources (those with a schema or printer columns of their own)
 * use their CRD's columns; the built-in kinds use kube-apiserver's.
 */
export function printerFor(type: ResourceType): Printer {
  if (type.printerColumns !== undefined || type.schema !== undefined) return customPrinterOf(type);
  return BUILT_IN[`${type.group}/${type.kind}`] ?? defaultPrinter;
}
