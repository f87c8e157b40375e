/**
 * Objects of a cluster cut down to what a live view shows: identity, labels, owners, and the
 * few status fields each kind is read by (ready counts, phase, conditions, images, selectors,
 * ports, node). Never data, specs in full, or managed fields: a Secret is its name and labels.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ClusterEvent, ResourceSummary } from '../../shared/cluster/clusterRoom.js';
import { asJsonObject } from '../../shared/design/model.js';
import { replicaCounts } from '../kube/replicaCounts.js';

type Json = Record<string, unknown>;
type Observed = KubernetesObject & { spec?: Json; status?: Json; [key: string]: unknown };

const asArray = (value: unknown): Json[] => (Array.isArray(value) ? value.map(asJsonObject) : []);
const count = (value: unknown): number | undefined =>
  typeof value === 'number' ? value : undefined;

export function summarize(
  given: KubernetesObject,
  apiVersion: string,
  kind: string,
): ResourceSummary {
  const object = given as Observed;
  const metadata = object.metadata ?? {};
  const spec = asJsonObject(object.spec);
  const status = asJsonObject(object.status);
  const summary: ResourceSummary = {
    apiVersion,
    kind,
    name: metadata.name ?? '',
    ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
    uid: metadata.uid ?? `${kind}/${metadata.namespace ?? ''}/${metadata.name ?? ''}`,
    labels: { ...metadata.labels },
    ownerReferences: (metadata.ownerReferences ?? []).map(({ kind: k, name, uid }) => ({
      kind: k,
      name,
      uid,
    })),
    ...(metadata.creationTimestamp
      ? { createdAt: new Date(metadata.creationTimestamp).toISOString() }
      : {}),
  };
  if (typeof status.phase === 'string') summary.phase = status.phase;
  const conditions = asArray(status.conditions).map((c) => ({
    type: String(c.type),
    status: String(c.status),
    ...(typeof c.reason === 'string' ? { reason: c.reason } : {}),
  }));
  if (conditions.length > 0) summary.conditions = conditions;
  Object.assign(summary, replicaCounts(kind, spec, status), shape(kind, spec));
  return summary;
}

/** Selectors, ports, images and placement. */
function shape(kind: string, spec: Json): Partial<ResourceSummary> {
  const result: Partial<ResourceSummary> = {};
  const podSpec =
    kind === 'Pod'
      ? spec
      : kind === 'CronJob'
        ? asJsonObject(
            asJsonObject(asJsonObject(asJsonObject(spec.jobTemplate).spec).template).spec,
          )
        : asJsonObject(asJsonObject(spec.template).spec);
  const images = asArray(podSpec.containers).flatMap((c) =>
    typeof c.image === 'string' ? [c.image] : [],
  );
  if (images.length > 0) result.images = images;
  const selector =
    kind === 'Service'
      ? asJsonObject(spec.selector)
      : asJsonObject(asJsonObject(spec.selector).matchLabels);
  if (Object.keys(selector).length > 0) {
    result.selector = Object.fromEntries(Object.entries(selector).map(([k, v]) => [k, String(v)]));
  }
  if (kind === 'Service') {
    result.ports = asArray(spec.ports).map((p) => ({
      ...(typeof p.name === 'string' ? { name: p.name } : {}),
      port: Number(p.port),
      ...(p.targetPort !== undefined ? { targetPort: p.targetPort as number | string } : {}),
      ...(typeof p.protocol === 'string' ? { protocol: p.protocol } : {}),
    }));
  }
  if (kind === 'Pod') {
    // Named so the logs panel can offer each container.
    result.containers = asArray(podSpec.containers).map((c) => String(c.name));
    if (typeof spec.nodeName === 'string') result.node = spec.nodeName;
  }
  if (kind === 'Node' && spec.unschedulable === true) result.unschedulable = true;
  return result;
}

/** An Event (core/v1) as the live view lists it. */
export function eventOf(given: KubernetesObject): ClusterEvent {
  const object = given as Observed;
  const involved = asJsonObject(object.involvedObject);
  const at =
    object.lastTimestamp ??
    object.eventTime ??
    object.firstTimestamp ??
    object.metadata?.creationTimestamp;
  return {
    uid: object.metadata?.uid ?? '',
    type: String(object.type ?? 'Normal'),
    reason: String(object.reason ?? ''),
    message: String(object.message ?? ''),
    object: {
      kind: String(involved.kind ?? ''),
      name: String(involved.name ?? ''),
      ...(typeof involved.namespace === 'string' ? { namespace: involved.namespace } : {}),
    },
    count: count(object.count) ?? 1,
    at: at ? new Date(at as string).toISOString() : new Date().toISOString(),
  };
}
