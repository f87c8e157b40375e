/**
 * Values the API server puts into objects by itself, per kind: the defaults it fills in where a
 * writer left a field out (`replicas: 1`, a container's `terminationMessagePath`), and the
 * values it allocates (a Service's cluster IP, a Pod's node). Discovery drops such a value
 * unless a server-side applier set it (see `fieldOwnership.ts`): writes other than apply record
 * the defaults as the writer's own, so only the value can tell.
 *
 * Dropping a default is lossless: applied again, the object gets the same value back. Dropping
 * an allocated value asks the new cluster to allocate its own, which is what a design wants.
 * The table covers the kinds discovery imports, after kube-apiserver's defaulting functions
 * (`pkg/apis/<group>/v1/defaults.go`); a default it lacks stays in the design, harmlessly.
 *
 * Paths name fields from the object's root with list items left out: a container's image
 * policy in a Deployment is `spec.template.spec.containers.imagePullPolicy`.
 */
import { isDeepStrictEqual } from 'node:util';
import { asJsonObject, type JsonObject, type JsonValue } from '../../shared/design/model.js';

/** What a rule sees of a field: its value, the map holding it, and the whole live object. */
export interface FieldContext {
  value: JsonValue;
  parent: JsonObject;
  object: JsonObject;
}

type Test = (field: FieldContext) => boolean;

interface Rule {
  path: readonly string[];
  test: Test;
}

const is =
  (expected: JsonValue): Test =>
  ({ value }) =>
    isDeepStrictEqual(value, expected);

/** Allocated by the cluster, whatever its value. */
const allocated: Test = () => true;

const rule = (path: string | readonly string[], test: Test): Rule => ({
  path: typeof path === 'string' ? path.split('.') : path,
  test,
});

/** Rules written relative to `prefix` (a pod spec, a container), placed under it. */
const under = (prefix: string, rules: readonly Rule[]): Rule[] =>
  rules.map(({ path, test }) => ({ path: [...prefix.split('.'), ...path], test }));

/**
 * The pull policy kube-apiserver gives a container without one: `Always` for the `latest` tag,
 * which an image without tag or digest has, else `IfNotPresent`.
 */
function defaultPullPolicy(image: JsonValue | undefined): string {
  const reference = typeof image === 'string' ? image : '';
  const [name = '', digest] = reference.split('@');
  const lastPart = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastPart.indexOf(':');
  const tag = colon >= 0 ? lastPart.slice(colon + 1) : digest ? '' : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

const PROBE = [
  rule('timeoutSeconds', is(1)),
  rule('periodSeconds', is(10)),
  rule('successThreshold', is(1)),
  rule('failureThreshold', is(3)),
  rule('httpGet.scheme', is('HTTP')),
];

const CONTAINER = [
  rule('imagePullPolicy', ({ value, parent }) => value === defaultPullPolicy(parent.image)),
  rule('terminationMessagePath', is('/dev/termination-log')),
  rule('terminationMessagePolicy', is('File')),
  rule('resources', is({})),
  rule('ports.protocol', is('TCP')),
  rule('env.valueFrom.fieldRef.apiVersion', is('v1')),
  ...['livenessProbe', 'readinessProbe', 'startupProbe'].flatMap((probe) => under(probe, PROBE)),
];

/** 0644, the mode of files projected from ConfigMaps, Secrets and the downward API. */
const DEFAULT_FILE_MODE = 420;

const POD_SPEC = [
  rule('restartPolicy', is('Always')),
  rule('terminationGracePeriodSeconds', is(30)),
  rule('dnsPolicy', is('ClusterFirst')),
  rule('schedulerName', is('default-scheduler')),
  rule('securityContext', is({})),
  rule('enableServiceLinks', is(true)),
  // The deprecated alias, copied from `serviceAccountName`.
  rule('serviceAccount', ({ value, parent }) => value === parent.serviceAccountName),
  ...under('containers', CONTAINER),
  ...under('initContainers', CONTAINER),
  ...['configMap', 'secret', 'downwardAPI', 'projected'].map((source) =>
    rule(`volumes.${source}.defaultMode`, is(DEFAULT_FILE_MODE)),
  ),
];

/** A pod template (`spec.template` of a Deployment): its pod spec's defaults and metadata's. */
const podTemplate = (prefix: string): Rule[] => [
  rule(`${prefix}.metadata.creationTimestamp`, is(null)),
  ...under(`${prefix}.spec`, POD_SPEC),
];

const uidOf = (object: JsonObject): JsonValue | undefined => asJsonObject(object.metadata).uid;
const nameOf = (object: JsonObject): JsonValue | undefined => asJsonObject(object.metadata).name;

/** The labels kube-apiserver gives a Job's pods, and the selector it makes of them. */
const JOB_UID_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid'];
const JOB_NAME_LABELS = ['job-name', 'batch.kubernetes.io/job-name'];

const generatedJobSelector: Test = ({ value, parent, object }) => {
  if (parent.manualSelector === true) return false;
  const selector = asJsonObject(value);
  const labels = Object.entries(asJsonObject(selector.matchLabels));
  return (
    Object.keys(selector).length === 1 &&
    labels.length === 1 &&
    JOB_UID_LABELS.includes(labels[0]![0]) &&
    labels[0]![1] === uidOf(object)
  );
};

const jobTemplateLabels = (prefix: string): Rule[] => [
  ...JOB_UID_LABELS.map((label) =>
    rule([...prefix.split('.'), label], ({ value, object }) => value === uidOf(object)),
  ),
  ...JOB_NAME_LABELS.map((label) =>
    rule([...prefix.split('.'), label], ({ value, object }) => value === nameOf(object)),
  ),
];

const RULES: Record<string, readonly Rule[]> = {
  Namespace: [
    rule('spec.finalizers', is(['kubernetes'])),
    rule(
      ['metadata', 'labels', 'kubernetes.io/metadata.name'],
      ({ value, object }) => value === nameOf(object),
    ),
  ],
  Pod: [
    ...under('spec', POD_SPEC),
    rule('spec.nodeName', allocated),
    rule('spec.priority', is(0)),
    rule('spec.preemptionPolicy', is('PreemptLowerPriority')),
    rule('spec.serviceAccountName', is('default')),
  ],
  Deployment: [
    rule('spec.replicas', is(1)),
    rule('spec.revisionHistoryLimit', is(10)),
    rule('spec.progressDeadlineSeconds', is(600)),
    rule('spec.strategy.type', is('RollingUpdate')),
    rule('spec.strategy.rollingUpdate.maxUnavailable', is('25%')),
    rule('spec.strategy.rollingUpdate.maxSurge', is('25%')),
    ...podTemplate('spec.template'),
  ],
  ReplicaSet: [rule('spec.replicas', is(1)), ...podTemplate('spec.template')],
  StatefulSet: [
    rule('spec.replicas', is(1)),
    rule('spec.revisionHistoryLimit', is(10)),
    rule('spec.podManagementPolicy', is('OrderedReady')),
    rule('spec.updateStrategy.type', is('RollingUpdate')),
    rule('spec.updateStrategy.rollingUpdate.partition', is(0)),
    rule('spec.persistentVolumeClaimRetentionPolicy.whenDeleted', is('Retain')),
    rule('spec.persistentVolumeClaimRetentionPolicy.whenScaled', is('Retain')),
    rule('spec.volumeClaimTemplates.apiVersion', is('v1')),
    rule('spec.volumeClaimTemplates.kind', is('PersistentVolumeClaim')),
    rule('spec.volumeClaimTemplates.metadata.creationTimestamp', is(null)),
    rule('spec.volumeClaimTemplates.spec.volumeMode', is('Filesystem')),
    rule('spec.volumeClaimTemplates.status', is({ phase: 'Pending' })),
    ...podTemplate('spec.template'),
  ],
  DaemonSet: [
    rule('spec.revisionHistoryLimit', is(10)),
    rule('spec.updateStrategy.type', is('RollingUpdate')),
    rule('spec.updateStrategy.rollingUpdate.maxUnavailable', is(1)),
    rule('spec.updateStrategy.rollingUpdate.maxSurge', is(0)),
    ...podTemplate('spec.template'),
  ],
  Job: [
    rule('spec.backoffLimit', is(6)),
    rule('spec.completionMode', is('NonIndexed')),
    rule('spec.parallelism', is(1)),
    // Without `completions` and with another `parallelism`, a Job is a work queue instead.
    rule('spec.completions', ({ value, parent }) => value === 1 && (parent.parallelism ?? 1) === 1),
    rule('spec.suspend', is(false)),
    rule('spec.podReplacementPolicy', is('TerminatingOrFailed')),
    rule('spec.selector', generatedJobSelector),
    ...jobTemplateLabels('spec.template.metadata.labels'),
    ...podTemplate('spec.template'),
  ],
  CronJob: [
    rule('spec.concurrencyPolicy', is('Allow')),
    rule('spec.suspend', is(false)),
    rule('spec.successfulJobsHistoryLimit', is(3)),
    rule('spec.failedJobsHistoryLimit', is(1)),
    rule('spec.jobTemplate.metadata.creationTimestamp', is(null)),
    ...podTemplate('spec.jobTemplate.spec.template'),
  ],
  Service: [
    rule('spec.type', is('ClusterIP')),
    rule('spec.sessionAffinity', is('None')),
    rule('spec.sessionAffinityConfig.clientIP.timeoutSeconds', is(10_800)),
    rule('spec.internalTrafficPolicy', is('Cluster')),
    rule('spec.externalTrafficPolicy', is('Cluster')),
    rule('spec.allocateLoadBalancerNodePorts', is(true)),
    rule('spec.ports.protocol', is('TCP')),
    rule('spec.ports.targetPort', ({ value, parent }) => value === parent.port),
    // `None` asks for a headless Service: a choice, not an allocation.
    rule('spec.clusterIP', ({ value }) => value !== 'None'),
    rule('spec.clusterIPs', ({ value }) => !isDeepStrictEqual(value, ['None'])),
    rule('spec.ipFamilies', allocated),
    rule('spec.ipFamilyPolicy', allocated),
    rule('spec.ports.nodePort', allocated),
    rule('spec.healthCheckNodePort', allocated),
  ],
  PersistentVolumeClaim: [
    rule('spec.volumeMode', is('Filesystem')),
    rule('spec.volumeName', allocated),
    rule('metadata.finalizers', is(['kubernetes.io/pvc-protection'])),
  ],
  Secret: [rule('type', is('Opaque'))],
  NetworkPolicy: [
    rule('spec.policyTypes', ({ value, parent }) =>
      isDeepStrictEqual(value, parent.egress === undefined ? ['Ingress'] : ['Ingress', 'Egress']),
    ),
    rule('spec.ingress.ports.protocol', is('TCP')),
    rule('spec.egress.ports.protocol', is('TCP')),
  ],
  HorizontalPodAutoscaler: [rule('spec.minReplicas', is(1))],
  RoleBinding: [
    rule(
      'subjects.apiGroup',
      ({ value, parent }) =>
        value === 'rbac.authorization.k8s.io' &&
        (parent.kind === 'User' || parent.kind === 'Group'),
    ),
  ],
};

const pathKey = (path: readonly string[]): string => path.join('\u0000');

/** Each kind's rules by path, for a lookup per field. */
const INDEX = new Map(
  Object.entries(RULES).map(([kind, rules]) => {
    const byPath = new Map<string, Test[]>();
    for (const { path, test } of rules) {
      byPath.set(pathKey(path), [...(byPath.get(pathKey(path)) ?? []), test]);
    }
    return [kind, byPath];
  }),
);

/**
 * Whether the field at `path` (names from the object's root, list items left out) of an object
 * of `kind` holds what the API server would have put there by itself.
 *
 * @example isServerDefault('Service', ['spec', 'ports', 'targetPort'],
 *   { value: 80, parent: { port: 80, targetPort: 80 }, object }) // true
 */
export function isServerDefault(
  kind: string,
  path: readonly string[],
  field: FieldContext,
): boolean {
  const tests = INDEX.get(kind)?.get(pathKey(path)) ?? [];
  return tests.some((test) => test(field));
}
