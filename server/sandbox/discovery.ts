/**
 * The discovery documents clients read before anything else: `kubectl` maps `deploy` to
 * `deployments.apps` from them, and client-node's `KubernetesObjectApi` finds a kind's plural
 * and scope there. Answered as the classic (unaggregated) documents: a client asking for
 * aggregated discovery gets plain `application/json` and falls back to these.
 */
import type { ResourceCatalog } from './resourceCatalog.js';
import { apiVersionOf, type ResourceType } from './resourceTypes.js';

/** The Kubernetes version the sandbox answers as: the API it imitates. */
export const KUBERNETES_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0-weft-sandbox' };

export function versionInfo(): Record<string, string> {
  return {
    ...KUBERNETES_VERSION,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function coreVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

const groupDocument = (group: string, versions: string[]) => {
  const entries = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: entries, preferredVersion: entries[0] };
};

/** `/apis`: every named group (the core group is under `/api`). */
export function groupList(catalog: ResourceCatalog): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: catalog
      .groups()
      .filter(({ group }) => group !== '')
      .map(({ group, versions }) => groupDocument(group, versions)),
  };
}

/** `/apis/<group>`, or `undefined` for a group the sandbox does not serve. */
export function apiGroup(
  catalog: ResourceCatalog,
  name: string,
): Record<string, unknown> | undefined {
  const found = catalog.groups().find(({ group }) => group === name && group !== '');
  return found && { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(name, found.versions) };
}

const READ_WRITE = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];
const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

function resourceEntries(type: ResourceType): Record<string, unknown>[] {
  const main = {
    name: type.plural,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: READ_WRITE,
    ...(type.shortNames.length > 0 ? { shortNames: type.shortNames } : {}),
    ...(type.categories.length > 0 ? { categories: type.categories } : {}),
  };
  const subresources = type.subresources.map((subresource) => ({
    name: `${type.plural}/${subresource}`,
    singularName: '',
    namespaced: type.namespaced,
    ...(subresource === 'scale'
      ? { group: 'autoscaling', version: 'v1', kind: 'Scale' }
      : { kind: type.kind }),
    verbs: subresource === 'log' ? ['get'] : SUBRESOURCE_VERBS,
  }));
  return [main, ...subresources];
}

/** `/api/v1` or `/apis/<group>/<version>`, or `undefined` for an unserved group version. */
export function resourceList(
  catalog: ResourceCatalog,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const types = catalog.inGroupVersion(group, version);
  return (
    types && {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: apiVersionOf({ group, version }),
      resources: types.flatMap(resourceEntries),
    }
  );
}
