/**
 * The query parameters of resource requests (`labelSelector`, `limit`, `continue`, `dryRun`,
 * `propagationPolicy`, …) and `DeleteOptions` bodies, checked and turned into the options of
 * the resource service. Bad values are 400 `Status` errors worded like kube-apiserver's.
 */
import { badRequest } from './apiStatus.js';
import { asObject, isPlainObject } from './kubeObject.js';
import type { DeleteOptions, ListOptions, PropagationPolicy } from './resourceService.js';
import type { ResourceType } from './resourceTypes.js';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.js';

type Query = Record<string, string | undefined>;

const ALWAYS_SELECTABLE = ['metadata.name', 'metadata.namespace'];

export function listOptions(query: Query, type: ResourceType): ListOptions {
  const options: ListOptions = {};
  try {
    if (query.labelSelector) options.labelSelector = parseLabelSelector(query.labelSelector);
    if (query.fieldSelector) {
      const fields = new Set([...ALWAYS_SELECTABLE, ...type.selectableFields]);
      options.fieldSelector = parseFieldSelector(query.fieldSelector, fields);
    }
  } catch (error) {
    if (error instanceof SelectorError) throw badRequest(error.message);
    throw error;
  }
  if (query.limit) {
    const limit = Number(query.limit);
    if (!Number.isInteger(limit) || limit < 0) {
      throw badRequest(
        `limit: Invalid value: ${JSON.stringify(query.limit)}: must be a non-negative integer`,
      );
    }
    if (limit > 0) options.limit = limit;
  }
  if (query.continue) options.after = decodeContinue(query.continue);
  return options;
}

/** The `continue` token of a page that ended after `key` (opaque to clients, as in Kubernetes). */
export const encodeContinue = (revision: number, key: string): string =>
  Buffer.from(JSON.stringify({ rv: revision, start: key })).toString('base64url');

function decodeContinue(token: string): string {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isPlainObject(decoded) && typeof decoded.start === 'string') return decoded.start;
  } catch {
    // Reported below, like any token that does not decode to a key.
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion');
}

/** `resourceVersion` of a watch as a revision number; `0` and unset both mean "from now". */
export function watchRevision(query: Query): number {
  const raw = query.resourceVersion;
  if (raw === undefined || raw === '') return 0;
  const revision = Number(raw);
  if (!Number.isInteger(revision) || revision < 0) {
    throw badRequest(`resourceVersion: Invalid value: ${JSON.stringify(raw)}: must be a number`);
  }
  return revision;
}

/** `dryRun=All` (the only value Kubernetes defines); absent means a real write. */
export function isDryRun(query: Query, body?: unknown): boolean {
  const fromBody = isPlainObject(body) && Array.isArray(body.dryRun) ? body.dryRun : [];
  const values = [...(query.dryRun ? [query.dryRun] : []), ...fromBody];
  for (const value of values) {
    if (value !== 'All') {
      throw badRequest(
        `Invalid dry run value: ${JSON.stringify(value)}; supported values: ["All"]`,
      );
    }
  }
  return values.length > 0;
}

const POLICIES: readonly PropagationPolicy[] = ['Foreground', 'Background', 'Orphan'];

/** From the query string and an optional `DeleteOptions` body (which wins, as in Kubernetes). */
export function deleteOptions(query: Query, body: unknown): DeleteOptions {
  const options = asObject(body);
  let policy = options.propagationPolicy ?? query.propagationPolicy;
  if (policy === undefined && (options.orphanDependents ?? query.orphanDependents) !== undefined) {
    policy =
      String(options.orphanDependents ?? query.orphanDependents) === 'true'
        ? 'Orphan'
        : 'Background';
  }
  if (policy !== undefined && !POLICIES.includes(policy as PropagationPolicy)) {
    throw badRequest(
      `propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  const preconditions = asObject(options.preconditions);
  return {
    dryRun: isDryRun(query, body),
    ...(policy !== undefined ? { propagationPolicy: policy as PropagationPolicy } : {}),
    preconditions: {
      ...(typeof preconditions.uid === 'string' ? { uid: preconditions.uid } : {}),
      ...(typeof preconditions.resourceVersion === 'string'
        ? { resourceVersion: preconditions.resourceVersion }
        : {}),
    },
  };
}
