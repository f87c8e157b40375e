/**
 * Which object or collection a resource URL names. The shapes, after `/api/v1` or
 * `/apis/<group>/<version>`:
 *
 *   <plural>[/<name>[/<subresource>]]                       cluster-scoped, or every namespace
 *   namespaces/<namespace>/<plural>[/<name>[/<subresource>]] namespaced
 *
 * `namespaces/<name>[/status]` is itself a cluster-scoped object, which is why the namespaced
 * form is recognised only when its third segment is a namespaced kind of the group version.
 */
import { noSuchResource } from './apiStatus.js';
import type { ResourceCatalog } from './resourceCatalog.js';
import type { ResourceType, Subresource } from './resourceTypes.js';

export interface RequestTarget {
  type: ResourceType;
  /** Set for namespaced requests; `undefined` for cluster-scoped kinds and all-namespace lists. */
  namespace?: string;
  name?: string;
  subresource?: Subresource;
}

/** Resolves the path segments after the group version; throws a 404 `Status` for the unknown. */
export function resolveTarget(
  catalog: ResourceCatalog,
  group: string,
  version: string,
  segments: string[],
): RequestTarget {
  const typeOf = (plural: string | undefined) =>
    plural === undefined ? undefined : catalog.find(group, version, plural);
  const namespacedType = segments[0] === 'namespaces' ? typeOf(segments[2]) : undefined;
  let target: RequestTarget | undefined;
  if (namespacedType?.namespaced) {
    const [, namespace, , name, subresource, ...rest] = segments;
    if (rest.length === 0) target = build(namespacedType, namespace, name, subresource);
  } else {
    const type = typeOf(segments[0]);
    const [, name, subresource, ...rest] = segments;
    // A namespaced kind is named only under its namespace; without one it can just be listed.
    const unnamespacedName = type?.namespaced && name !== undefined;
    if (type && rest.length === 0 && !unnamespacedName) {
      target = build(type, undefined, name, subresource);
    }
  }
  if (!target) throw noSuchResource();
  return target;
}

function build(
  type: ResourceType,
  namespace: string | undefined,
  name: string | undefined,
  subresource: string | undefined,
): RequestTarget | undefined {
  if (subresource !== undefined && !type.subresources.includes(subresource as Subresource)) {
    return undefined;
  }
  if (namespace === '' || name === '') return undefined;
  return {
    type,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource: subresource as Subresource } : {}),
  };
}
