/**
 * The `scale` subresource: a workload seen as an `autoscaling/v1` `Scale`, which is what
 * `kubectl scale` and HorizontalPodAutoscalers read and write instead of the whole object.
 * Built-in workloads keep the numbers in `spec.replicas` and `status.replicas`; a custom
 * resource keeps them where its CRD's `subresources.scale` says.
 */
import { badRequest } from './apiStatus.js';
import { asObject, isPlainObject, setField, type KubeObject } from './kubeObject.js';
import type { ScalePaths } from './resourceTypes.js';

/** `.spec.replicas` → `['spec', 'replicas']`. */
const stepsOf = (path: string): string[] => path.split('.').filter((step) => step !== '');

function valueAt(object: unknown, path: string): unknown {
  let value = object;
  for (const step of stepsOf(path)) value = isPlainObject(value) ? value[step] : undefined;
  return value;
}

/** A copy of `object` with `value` at `steps`, making the objects on the way as needed. */
function withValueAt(object: Record<string, unknown>, steps: string[], value: unknown) {
  const [step, ...rest] = steps;
  if (step === undefined) return object;
  const copy = { ...object };
  const child = isPlainObject(copy[step]) ? (copy[step] as Record<string, unknown>) : {};
  setField(copy, step, rest.length === 0 ? value : withValueAt(child, rest, value));
  return copy;
}

/** The numbers and selector a `Scale` shows, read from where the kind keeps them. */
function scaleFields(object: KubeObject, paths: ScalePaths | undefined) {
  if (paths) {
    const selector = paths.labelSelectorPath && valueAt(object, paths.labelSelectorPath);
    // A custom resource without the fields counts as 0 replicas, as kube-apiserver reads it.
    return {
      replicas: valueAt(object, paths.specReplicasPath) ?? 0,
      current: valueAt(object, paths.statusReplicasPath) ?? 0,
      selector: typeof selector === 'string' ? selector : '',
    };
  }
  const spec = asObject(object.spec);
  const status = asObject(object.status);
  return {
    replicas: spec.replicas ?? 1,
    current: status.replicas ?? 0,
    selector: selectorText(spec.selector),
  };
}

/** The `Scale` view of a Deployment, ReplicaSet or StatefulSet, or of a scalable custom resource. */
export function scaleOf(object: KubeObject, paths?: ScalePaths): KubeObject {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  const { replicas, current, selector } = scaleFields(object, paths);
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas },
    status: { replicas: current, selector },
  };
}

/** `object` with the replica count of `scale` (the only field a scale write can change). */
export function withScale(object: KubeObject, scale: unknown, paths?: ScalePaths): KubeObject {
  const spec = asObject(asObject(scale).spec);
  const replicas = spec.replicas ?? 0;
  if (!Number.isInteger(replicas) || (replicas as number) < 0) {
    throw badRequest(
      `spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be a non-negative integer`,
    );
  }
  const metadata = asObject(asObject(scale).metadata);
  const scaled = paths
    ? (withValueAt(object, stepsOf(paths.specReplicasPath), replicas) as KubeObject)
    : { ...object, spec: { ...(object.spec as object), replicas } };
  return {
    ...scaled,
    metadata: {
      ...object.metadata,
      // A scale write carries the precondition of the Scale it was based on.
      resourceVersion: (metadata.resourceVersion as string | undefined) ?? undefined,
    },
  };
}

/** `matchLabels` and `matchExpressions` as label selector text: `app=web,tier in (a,b)`. */
function selectorText(selector: unknown): string {
  if (!isPlainObject(selector)) return '';
  const labels = asObject(selector.matchLabels);
  const parts = Object.entries(labels).map(([key, value]) => `${key}=${String(value)}`);
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const expression of expressions) {
    if (!isPlainObject(expression)) continue;
    const { key, operator } = expression;
    const values = Array.isArray(expression.values) ? expression.values.join(',') : '';
    if (operator === 'In') parts.push(`${String(key)} in (${values})`);
    if (operator === 'NotIn') parts.push(`${String(key)} notin (${values})`);
    if (operator === 'Exists') parts.push(String(key));
    if (operator === 'DoesNotExist') parts.push(`!${String(key)}`);
  }
  return parts.join(',');
}
