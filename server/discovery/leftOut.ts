/**
 * Which live objects are not design components, and why in words a user can act on: objects a
 * controller makes from another object (a design holds the Deployment, not its ReplicaSets and
 * Pods), and the furniture every cluster has whoever uses it.
 */
import { asJsonObject, type JsonObject } from '../../shared/design/model.js';

/** The cluster's own namespaces: read only when a request names them. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set([
  'kube-system',
  'kube-public',
  'kube-node-lease',
]);

/** Every cluster has it; its Namespace object is imported only when named. */
const DEFAULT_NAMESPACE = 'default';

export interface ObjectHeader {
  kind: string;
  namespace?: string;
  name: string;
}

/** Kind, namespace and name of a live object. */
export function headerOf(object: JsonObject): ObjectHeader {
  const metadata = asJsonObject(object.metadata);
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : '';
  return {
    kind: String(object.kind),
    ...(namespace ? { namespace } : {}),
    name: String(metadata.name),
  };
}

/**
 * Why `object` is left out of an import, or undefined when it goes in. `named` holds the
 * namespaces the request named, which bring system namespaces in.
 */
export function whyLeftOut(object: JsonObject, named?: ReadonlySet<string>): string | undefined {
  const { kind, namespace, name } = headerOf(object);
  const metadata = asJsonObject(object.metadata);
  const references = Array.isArray(metadata.ownerReferences) ? metadata.ownerReferences : [];
  const controller = references.map(asJsonObject).find((reference) => reference.controller);
  if (controller) {
    const owner = `${String(controller.kind)} ${String(controller.name)}`;
    return `made by ${owner}, which the design holds instead`;
  }
  const ask = 'name it in "namespaces" to import it';
  if (kind === 'Namespace' && !named?.has(name)) {
    if (SYSTEM_NAMESPACES.has(name)) return `the cluster's own namespace; ${ask}`;
    if (name === DEFAULT_NAMESPACE) return `every cluster has it; ${ask}`;
  }
  if (namespace && SYSTEM_NAMESPACES.has(namespace) && !named?.has(namespace)) {
    return `in the cluster's own namespace ${namespace}; ${ask}`;
  }
  return furnitureReason(object, kind, namespace, name);
}

/** What the cluster puts in every namespace (or in `default`) by itself. */
function furnitureReason(
  object: JsonObject,
  kind: string,
  namespace: string | undefined,
  name: string,
): string | undefined {
  if (kind === 'ServiceAccount' && name === 'default') {
    return 'the cluster gives every namespace a default ServiceAccount';
  }
  if (kind === 'ConfigMap' && name === 'kube-root-ca.crt') {
    return 'the cluster puts its CA certificate in every namespace';
  }
  if (kind === 'Service' && name === 'kubernetes' && namespace === DEFAULT_NAMESPACE) {
    return "the cluster's own API server";
  }
  if (kind === 'Secret' && object.type === 'kubernetes.io/service-account-token') {
    return 'a ServiceAccount token, which the cluster issues';
  }
  return undefined;
}
