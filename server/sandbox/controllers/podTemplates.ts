/**
 * Pods from a workload's pod template, and the facts about pods that several controllers ask:
 * is it ready, is it finished, which template revision made it.
 */
import { createHash } from 'node:crypto';
import { asObject, isPlainObject, type KubeObject, type OwnerReference } from '../kubeObject.js';

type Json = Record<string, unknown>;

export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** The template of a workload spec (`spec.template`). */
export const templateOf = (workload: KubeObject): Json => {
  const spec = asObject(workload.spec);
  return asObject(spec.template);
};

/** A pod for `owner` from its template, named `generateName` + suffix unless `name` is given. */
export function podFromTemplate(
  template: Json,
  owner: OwnerReference,
  naming: { generateName: string } | { name: string },
  extra: { labels?: Record<string, string>; nodeName?: string; hostname?: string } = {},
): KubeObject {
  const metadata = asObject(template.metadata);
  const spec = asObject(template.spec);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(metadata as object),
      ...naming,
      name: 'name' in naming ? naming.name : '',
      labels: { ...(metadata.labels as Record<string, string> | undefined), ...extra.labels },
      ownerReferences: [owner],
    },
    spec: {
      ...structuredClone(spec),
      ...(extra.nodeName ? { nodeName: extra.nodeName } : {}),
      ...(extra.hostname ? { hostname: extra.hostname } : {}),
    },
  };
}

const conditionOf = (pod: KubeObject, type: string): Json | undefined => {
  const status = asObject(pod.status);
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.find((condition) => isPlainObject(condition) && condition.type === type);
};

export const isPodReady = (pod: KubeObject): boolean =>
  !pod.metadata.deletionTimestamp && conditionOf(pod, 'Ready')?.status === 'True';

export const podPhase = (pod: KubeObject): string =>
  String((isPlainObject(pod.status) ? pod.status.phase : undefined) ?? 'Pending');

/** Succeeded or Failed: a pod that will not run again. */
export const isPodFinished = (pod: KubeObject): boolean =>
  ['Succeeded', 'Failed'].includes(podPhase(pod));

/** A pod that counts towards a controller's replicas: not finished, not being deleted. */
export const isPodActive = (pod: KubeObject): boolean =>
  !isPodFinished(pod) && !pod.metadata.deletionTimestamp;

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted, so that equal templates hash alike whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A short stable hash of a template, in the characters Kubernetes uses for it. */
export function templateHash(template: unknown): string {
  const digest = createHash('sha256').update(canonicalJson(template)).digest();
  let text = '';
  for (let i = 0; i < 10; i++) text += SAFE_ALPHABET[digest[i]! % SAFE_ALPHABET.length];
  return text;
}
