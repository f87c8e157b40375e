/**
 * The columns of the core kinds around workloads: nodes and namespaces with their state,
 * events as `kubectl get events` lists them, how much a ConfigMap or Secret holds, quotas, and
 * the kinds kube-apiserver lists with their creation time instead of an age.
 */
import { isPlainObject, type KubeObject } from '../kubeObject.js';
import { since } from './humanDuration.js';
import { ageOf, at, count, objects, scalarText, sizeOf, text } from './cells.js';
import {
  ageColumn,
  column,
  doc,
  nameColumn,
  printer,
  wideColumn,
  type ColumnDefinition,
  type Printer,
} from './printer.js';

const ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';

/** `Ready`, `NotReady` or `Unknown`, then `SchedulingDisabled` for a cordoned node. */
function nodeStatus(node: KubeObject): string {
  const ready = objects(at(node.status, 'conditions')).findLast((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (at(node.spec, 'unschedulable') === true) status.push('SchedulingDisabled');
  return status.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` labels and the older `kubernetes.io/role`. */
function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
    if (key.startsWith(ROLE_LABEL_PREFIX) && key.length > ROLE_LABEL_PREFIX.length) {
      roles.add(key.slice(ROLE_LABEL_PREFIX.length));
    } else if (key === 'kubernetes.io/role' && value) roles.add(value);
  }
  return [...roles].sort().join(',') || '<none>';
}

const nodeAddress = (node: KubeObject, type: string): string =>
  text(objects(at(node.status, 'addresses')).find((address) => address.type === type)?.address) ||
  '<none>';

const NODE_INFO = 'core.v1.NodeSystemInfo';

/** `kubectl get nodes`: STATUS, ROLES, AGE, VERSION; wide addresses, OS, kernel and runtime. */
export const nodePrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    ageColumn(),
    column('Version', 'string', doc(NODE_INFO, 'kubeletVersion')),
    wideColumn('Internal-IP', 'string', doc('core.v1.NodeStatus', 'addresses')),
    wideColumn('External-IP', 'string', doc('core.v1.NodeStatus', 'addresses')),
    wideColumn('OS-Image', 'string', doc(NODE_INFO, 'osImage')),
    wideColumn('Kernel-Version', 'string', doc(NODE_INFO, 'kernelVersion')),
    wideColumn('Container-Runtime', 'string', doc(NODE_INFO, 'containerRuntimeVersion')),
  ],
  (node, now) => {
    const info = at(node.status, 'nodeInfo');
    const infoText = (field: string) => text(at(info, field)) || '<unknown>';
    return [
      node.metadata.name,
      nodeStatus(node),
      nodeRoles(node),
      ageOf(node, now),
      text(at(info, 'kubeletVersion')),
      nodeAddress(node, 'InternalIP'),
      nodeAddress(node, 'ExternalIP'),
      infoText('osImage'),
      infoText('kernelVersion'),
      infoText('containerRuntimeVersion'),
    ];
  },
);

/** `kubectl get namespaces`: STATUS. */
export const namespacePrinter: Printer = printer(
  () => [nameColumn(), column('Status', 'string', 'The status of the namespace'), ageColumn()],
  (namespace, now) => [
    namespace.metadata.name,
    text(at(namespace.status, 'phase')),
    ageOf(namespace, now),
  ],
);

/** `component, host` of an event's source, falling back to the reporting controller's names. */
const eventSource = (event: KubeObject): string => {
  const component = text(at(event.source, 'component')) || text(event.reportingComponent);
  const host = text(at(event.source, 'host')) || text(event.reportingInstance);
  return host ? `${component}, ${host}` : component;
};

/** `kubectl get events`: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE; wide source, counts, name. */
export const eventPrinter: Printer = printer(
  () => [
    column('Last Seen', 'string', doc('core.v1.Event', 'lastTimestamp')),
    column('Type', 'string', doc('core.v1.Event', 'type')),
    column('Reason', 'string', doc('core.v1.Event', 'reason')),
    column('Object', 'string', doc('core.v1.Event', 'involvedObject')),
    wideColumn('Subobject', 'string', doc('core.v1.ObjectReference', 'fieldPath')),
    wideColumn('Source', 'string', doc('core.v1.Event', 'source')),
    column('Message', 'string', doc('core.v1.Event', 'message')),
    wideColumn('First Seen', 'string', doc('core.v1.Event', 'firstTimestamp')),
    wideColumn('Count', 'string', doc('core.v1.Event', 'count')),
    column('Name', 'string', doc('meta.v1.ObjectMeta', 'name'), { format: 'name', priority: 1 }),
  ],
  (event, now) => {
    // Events of the newer API carry `eventTime` and a `series` instead of the two timestamps.
    const first = since(text(event.firstTimestamp) || text(event.eventTime), now);
    const series = isPlainObject(event.series) ? event.series : undefined;
    const last = series
      ? since(series.lastObservedTime, now)
      : text(event.lastTimestamp)
        ? since(event.lastTimestamp, now)
        : first;
    const involved = at(event, 'involvedObject');
    const kind = text(at(involved, 'kind')).toLowerCase();
    const name = text(at(involved, 'name'));
    return [
      last,
      text(event.type),
      text(event.reason),
      name ? `${kind}/${name}` : kind,
      text(at(involved, 'fieldPath')),
      eventSource(event),
      text(event.message).trim(),
      first,
      series ? count(series.count) : count(event.count) || 1,
      event.metadata.name,
    ];
  },
);

/** `kubectl get configmaps`: DATA, the number of keys. */
export const configMapPrinter: Printer = printer(
  () => [nameColumn(), column('Data', 'string', doc('core.v1.ConfigMap', 'data')), ageColumn()],
  (configMap, now) => [
    configMap.metadata.name,
    sizeOf(configMap.data) + sizeOf(configMap.binaryData),
    ageOf(configMap, now),
  ],
);

/** `kubectl get secrets`: TYPE, DATA. */
export const secretPrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Type', 'string', doc('core.v1.Secret', 'type')),
    column('Data', 'string', doc('core.v1.Secret', 'data')),
    ageColumn(),
  ],
  (secret, now) => [
    secret.metadata.name,
    text(secret.type),
    sizeOf(secret.data),
    ageOf(secret, now),
  ],
);

/** `kubectl get serviceaccounts`: SECRETS. */
export const serviceAccountPrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Secrets', 'string', doc('core.v1.ServiceAccount', 'secrets')),
    ageColumn(),
  ],
  (account, now) => [account.metadata.name, objects(account.secrets).length, ageOf(account, now)],
);

/** `cpu: 100m/1, pods: 2/10` for the quota's requests, `limits.cpu: …` for its limits. */
function quotaCells(quota: KubeObject): [string, string] {
  const hard = at(quota.status, 'hard');
  const names = isPlainObject(hard) ? Object.keys(hard).sort() : [];
  const [requests, limits]: [string[], string[]] = [[], []];
  for (const name of names) {
    const used = scalarText(at(quota.status, 'used', name)) || '0';
    (name.startsWith('limits.') ? limits : requests).push(
      `${name}: ${used}/${scalarText(at(hard, name))}`,
    );
  }
  return [requests.join(', '), limits.join(', ')];
}

/** `kubectl get resourcequotas`: AGE, REQUEST, LIMIT. */
export const resourceQuotaPrinter: Printer = printer(
  () => [
    nameColumn(),
    ageColumn(),
    column(
      'Request',
      'string',
      'Request represents a minimum amount of cpu/memory that a container may consume.',
    ),
    column(
      'Limit',
      'string',
      'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
    ),
  ],
  (quota, now) => [quota.metadata.name, ageOf(quota, now), ...quotaCells(quota)],
);

const createdAtColumn = (): ColumnDefinition =>
  column('Created At', 'date', doc('meta.v1.ObjectMeta', 'creationTimestamp'));

/**
 * NAME and CREATED AT (the timestamp itself, in UTC): how kube-apiserver lists Roles,
 * ClusterRoles, LimitRanges and CustomResourceDefinitions.
 */
export const createdAtPrinter: Printer = printer(
  () => [nameColumn(), createdAtColumn()],
  (object) => [
    object.metadata.name,
    text(object.metadata.creationTimestamp) || '0001-01-01T00:00:00Z',
  ],
);
