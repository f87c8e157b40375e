/**
 * The `scale` subresource: a workload seen as an `autoscaling/v1` `Scale`, which is what
 * `kubectl scale` and HorizontalPodAutoscalers read and write instead of the whole object.
 */
import { badRequest } from './apiStatus.js';
import { isPlainObject, type KubeObject } from './kubeObject.js';

/** The `Scale` view of a Deployment, ReplicaSet or StatefulSet. */
export function scaleOf(object: KubeObject): KubeObject {
  const spec = isPlainObject(object.spec) ? object.spec : {};
  const status = isPlainObject(object.status) ? object.status : {};
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec.replicas ?? 1 },
    status: {
      replicas: status.replicas ?? 0,
      selector: selectorText(spec.selector),
    },
  };
}

/** `object` with the replica count of `scale` (the only field a scale write can change). */
export function withScale(object: KubeObject, scale: unknown): KubeObject {
  const spec = isPlainObject(scale) && isPlainObject(scale.spec) ? scale.spec : {};
  const replicas = spec.replicas ?? 0;
  if (!Number.isInteger(replicas) || (replicas as number) < 0) {
    throw badRequest(
      `spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be a non-negative integer`,
    );
  }
  const metadata = isPlainObject(scale) && isPlainObject(scale.metadata) ? scale.metadata : {};
  return {
    ...object,
    metadata: {
      ...object.metadata,
      // A scale write carries the precondition of the Scale it was based on.
      resourceVersion: (metadata.resourceVersion as string | undefined) ?? undefined,
    },
    spec: { ...(object.spec as object), replicas },
  };
}

/** `matchLabels` and `matchExpressions` as label selector text: `app=web,tier in (a,b)`. */
function selectorText(selector: unknown): string {
  if (!isPlainObject(selector)) return '';
  const labels = isPlainObject(selector.matchLabels) ? selector.matchLabels : {};
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
