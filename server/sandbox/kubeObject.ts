/**
 * The shape every Kubernetes object shares, as far as the sandbox relies on it. Everything else
 * in an object is kept as the client sent it.
 */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** `namespace/name` (`/name` when cluster-scoped): how objects are keyed and ordered in lists. */
export const keyOf = (object: KubeObject): string =>
  `${object.metadata.namespace ?? ''}/${object.metadata.name}`;

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `value` if it is a plain object, else an empty one: reading optional sections safely. */
export const asObject = (value: unknown): Record<string, unknown> =>
  isPlainObject(value) ? value : {};

/** The plain objects of `value` if it is an array (lists of containers, ports, …), else none. */
export const asObjectList = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? value.filter(isPlainObject) : [];

/** RFC 3339 to the second, as Kubernetes writes timestamps. */
export const timestamp = (date = new Date()): string =>
  date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A field of `object` itself, never one inherited from its prototype. */
export const ownField = (object: Record<string, unknown>, key: string): unknown =>
  Object.hasOwn(object, key) ? object[key] : undefined;

/** Sets a field as data, also for the key `__proto__`, which assignment would take as the prototype. */
export function setField(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}
