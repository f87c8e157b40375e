/**
 * Reading what an import asks for from a cluster: one list per kind across all namespaces (the
 * label selector goes to every list call), narrowed to the namespaces asked for here, and each
 * object either kept or set aside with the reason. Objects come as the API server sends them;
 * `designObject.ts` makes design objects of them.
 *
 * Namespace objects come in when a request names them, or (with no names) when they match the
 * selector or hold something imported, so that the design can be deployed to a fresh cluster.
 * Lists are cluster-wide, so the credentials need to list every imported kind in every
 * namespace; a kind the cluster forbids is set aside as a whole rather than failing the import.
 */
import type { JsonObject } from '../../shared/design/model.js';
import { clusterFailure } from '../kube/failure.js';
import type { RawObjects } from '../kube/rawObjects.js';
import type { DiscoveryRequest } from './discoveryRequest.js';
import { kindRank, type ImportedKind } from './importedKinds.js';
import { headerOf, whyLeftOut, type ObjectHeader } from './leftOut.js';

/** An object (or, without a name, a whole kind) an import left out, and why. */
export interface SkippedObject extends Omit<ObjectHeader, 'name'> {
  name?: string;
  reason: string;
}

export interface ClusterObjects {
  /** In design order: by kind as `IMPORTED_KINDS` lists them, then namespace and name. */
  objects: JsonObject[];
  skipped: SkippedObject[];
}

export async function readClusterObjects(
  cluster: RawObjects,
  request: DiscoveryRequest,
): Promise<ClusterObjects> {
  const { namespaces: named, labelSelector } = request;
  const skipped: SkippedObject[] = [];
  const objects: JsonObject[] = [];
  const sortOut = (object: JsonObject) => {
    const reason = whyLeftOut(object, named);
    if (reason) skipped.push({ ...headerOf(object), reason });
    else objects.push(object);
  };

  const wantsNamespaces = request.kinds.some(({ kind }) => kind === 'Namespace');
  const [lists, allNamespaces, selectedNamespaces] = await Promise.all([
    Promise.all(
      request.kinds
        .filter(({ namespaced }) => namespaced)
        .map((kind) => listOrForbidden(cluster, kind, labelSelector)),
    ),
    wantsNamespaces || named ? cluster.list('v1', 'Namespace', '') : [],
    wantsNamespaces && !named && labelSelector
      ? cluster.list('v1', 'Namespace', labelSelector)
      : [],
  ]);

  for (const list of lists) {
    if ('forbidden' in list) {
      skipped.push({
        kind: list.kind,
        reason: `the connection may not list them: ${list.forbidden}`,
      });
      continue;
    }
    for (const object of list.items) {
      const { namespace } = headerOf(object);
      if (named && !(namespace && named.has(namespace))) continue;
      sortOut(object);
    }
  }

  const existing = new Set(allNamespaces.map((namespace) => headerOf(namespace).name));
  for (const name of named ?? []) {
    if (!existing.has(name)) {
      skipped.push({ kind: 'Namespace', name, reason: 'not on the cluster' });
    }
  }
  if (wantsNamespaces) {
    const wanted =
      named ?? namespacesToImport(objects, labelSelector ? selectedNamespaces : allNamespaces);
    for (const namespace of allNamespaces) {
      if (wanted.has(headerOf(namespace).name)) sortOut(namespace);
    }
  }
  return { objects: objects.sort(compareObjects), skipped };
}

/** With no namespaces named: those listed (all, or the selector's) and those objects are in. */
function namespacesToImport(objects: readonly JsonObject[], listed: readonly JsonObject[]) {
  return new Set([
    ...listed.map((namespace) => headerOf(namespace).name),
    ...objects.flatMap((object) => headerOf(object).namespace ?? []),
  ]);
}

type KindList = { kind: string; items: JsonObject[] } | { kind: string; forbidden: string };

async function listOrForbidden(
  cluster: RawObjects,
  { apiVersion, kind }: ImportedKind,
  labelSelector: string,
): Promise<KindList> {
  try {
    return { kind, items: await cluster.list(apiVersion, kind, labelSelector) };
  } catch (error) {
    const failure = clusterFailure(error);
    if (failure.code === 403) return { kind, forbidden: failure.message };
    throw error;
  }
}

function compareObjects(a: JsonObject, b: JsonObject): number {
  const [p, q] = [headerOf(a), headerOf(b)];
  return (
    kindRank(p.kind) - kindRank(q.kind) ||
    compareText(p.namespace ?? '', q.namespace ?? '') ||
    compareText(p.name, q.name)
  );
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
