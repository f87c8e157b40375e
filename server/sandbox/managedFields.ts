/**
 * `metadata.managedFields` as server-side apply keeps it: reading the entries (each manager's
 * fields as a set), writing them back in kube-apiserver's order, and naming the manager of a
 * write that names none.
 */
import {
  fromFieldsV1,
  isEmptyFieldSet,
  toFieldsV1,
  union,
  type FieldSet,
  type FieldsV1,
} from './fieldSets.js';
import { isPlainObject } from './kubeObject.js';

/** `Apply` for server-side apply, `Update` for every other write. */
export type ManagedFieldsOperation = 'Apply' | 'Update';

/** One entry of `metadata.managedFields`, fields in the order kube-apiserver writes them. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: ManagedFieldsOperation;
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
  subresource?: string;
}

/** A manager's entry with its fields as a set. */
export interface Managed {
  readonly manager: string;
  readonly operation: ManagedFieldsOperation;
  readonly apiVersion: string;
  readonly time?: string;
  readonly subresource?: string;
  readonly set: FieldSet;
}

export type Identity = Pick<Managed, 'manager' | 'operation' | 'apiVersion' | 'subresource'>;

/**
 * Which entry a write belongs to, spelled as kube-apiserver spells it (the entry as JSON without
 * its fields and time). An applier keeps one entry whatever version it applies with; an updater
 * has one per version and subresource.
 */
export function identityOf({ manager, operation, apiVersion, subresource }: Identity): string {
  return JSON.stringify({
    ...(manager ? { manager } : {}),
    operation,
    ...(operation === 'Update' && apiVersion ? { apiVersion } : {}),
    ...(subresource ? { subresource } : {}),
  });
}

function readEntry(entry: unknown): Managed | undefined {
  if (!isPlainObject(entry)) return undefined;
  const { manager, operation, apiVersion, time, fieldsType, fieldsV1, subresource } = entry;
  if (operation !== 'Apply' && operation !== 'Update') return undefined;
  if (fieldsType !== 'FieldsV1' || typeof (manager ?? '') !== 'string') return undefined;
  const set = fromFieldsV1(fieldsV1 ?? {});
  if (set === undefined) return undefined;
  return {
    manager: (manager as string | undefined) ?? '',
    operation,
    apiVersion: typeof apiVersion === 'string' ? apiVersion : '',
    ...(typeof time === 'string' ? { time } : {}),
    ...(typeof subresource === 'string' && subresource ? { subresource } : {}),
    set,
  };
}

/**
 * Reads `metadata.managedFields`; like kube-apiserver, one unreadable entry makes the whole list
 * count as empty, and entries of the same manager are joined.
 */
export function readManagedFields(entries: unknown): Managed[] {
  if (!Array.isArray(entries)) return [];
  const byIdentity = new Map<string, Managed>();
  for (const entry of entries) {
    const managed = readEntry(entry);
    if (managed === undefined) return [];
    const known = byIdentity.get(identityOf(managed));
    byIdentity.set(
      identityOf(managed),
      known ? { ...known, set: union(known.set, managed.set) } : managed,
    );
  }
  return [...byIdentity.values()];
}

const seconds = (time: string | undefined): number =>
  time === undefined ? 0 : Math.floor((Date.parse(time) || 0) / 1000);

/** Kubernetes' order of entries: appliers first, then oldest first, then by name. */
function compareEntries(p: Managed, q: Managed): number {
  if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
  if (seconds(p.time) !== seconds(q.time)) return seconds(p.time) - seconds(q.time);
  for (const field of ['manager', 'apiVersion', 'subresource'] as const) {
    const [a, b] = [p[field] ?? '', q[field] ?? ''];
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

/** The wire entries; managers left owning nothing are dropped. */
export function writeManagedFields(managed: readonly Managed[]): ManagedFieldsEntry[] {
  return managed
    .filter((entry) => !isEmptyFieldSet(entry.set))
    .sort(compareEntries)
    .map(({ manager, operation, apiVersion, time, subresource, set }) => ({
      manager,
      operation,
      apiVersion,
      ...(time !== undefined ? { time } : {}),
      fieldsType: 'FieldsV1' as const,
      fieldsV1: toFieldsV1(set),
      ...(subresource ? { subresource } : {}),
    }));
}

/** Longest manager name Kubernetes accepts, in bytes. */
const MAX_MANAGER_BYTES = 128;

/**
 * The manager of a write that names none: what precedes the first `/` of the User-Agent, without
 * unprintable characters and cut to 128 bytes, as kube-apiserver does (`kubectl/v1.31.0 (linux…`
 * → `kubectl`). kubectl names its manager itself (`kubectl-client-side-apply`, `kubectl-edit`),
 * so this only decides for other clients.
 */
export function defaultManager(userAgent: string | undefined): string {
  let manager = '';
  for (const char of (userAgent ?? '').split('/')[0]!) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(char)) continue;
    if (Buffer.byteLength(manager + char) > MAX_MANAGER_BYTES) break;
    manager += char;
  }
  return manager;
}
