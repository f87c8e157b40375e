/**
 * Operate actions on a cluster, as `POST /api/connections/:id/actions` takes them:
 * - `scale` a Deployment, StatefulSet or ReplicaSet to `replicas` (its scale subresource);
 * - `restart` a Deployment, StatefulSet or DaemonSet, as `kubectl rollout restart` does (a new
 *   `kubectl.kubernetes.io/restartedAt` annotation on the pod template);
 * - `delete` any object the live view shows;
 * - `cordon` or `uncordon` a Node.
 * Each runs through client-node and answers with what was done, in words.
 */
import {
  AppsV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import {
  RESTARTABLE_KINDS,
  SCALABLE_KINDS,
  type ActionName,
} from '../../shared/operate/connections.js';
import { objectWith, textField } from '../bodyFields.js';
import { WATCHED_KINDS } from '../clusters/watchedKinds.js';
import { badRequest } from '../errors.js';

export interface ActionRequest {
  action: ActionName;
  kind: string;
  namespace?: string;
  name: string;
  replicas?: number;
  by: string;
}

const FIELDS = new Set(['action', 'kind', 'namespace', 'name', 'replicas', 'by']);
const MAX_REPLICAS = 10_000;
const mergePatch = () => setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export function parseAction(body: unknown): ActionRequest {
  const fields = objectWith(body, FIELDS);
  const action = fields.action;
  const kind = textField(fields.kind, 'kind', 100, true);
  const name = textField(fields.name, 'name', 253, true);
  const by = fields.by === undefined ? 'someone' : textField(fields.by, 'by', 64, true);
  const namespace =
    fields.namespace === undefined ? undefined : textField(fields.namespace, 'namespace', 63, true);
  const request = { kind, name, by, ...(namespace ? { namespace } : {}) };
  const needsNamespace = () => {
    if (!namespace) throw badRequest('invalid_body', `${kind} ${name} needs its "namespace"`);
  };
  switch (action) {
    case 'scale': {
      if (!SCALABLE_KINDS.includes(kind))
        throw badRequest('invalid_action', `${kind} cannot be scaled`);
      const replicas = fields.replicas;
      if (
        !Number.isInteger(replicas) ||
        (replicas as number) < 0 ||
        (replicas as number) > MAX_REPLICAS
      ) {
        throw badRequest('invalid_body', `"replicas" must be an integer from 0 to ${MAX_REPLICAS}`);
      }
      needsNamespace();
      return { action, ...request, replicas: replicas as number };
    }
    case 'restart':
      if (!RESTARTABLE_KINDS.includes(kind))
        throw badRequest('invalid_action', `${kind} cannot be restarted`);
      needsNamespace();
      return { action, ...request };
    case 'cordon':
    case 'uncordon':
      if (kind !== 'Node') throw badRequest('invalid_action', `only Nodes can be ${action}ed`);
      return { action, ...request };
    case 'delete':
      if (!WATCHED_KINDS.some((watched) => watched.kind === kind)) {
        throw badRequest('invalid_action', `${kind} is not a kind the hub deletes`);
      }
      return { action, ...request };
    default:
      throw badRequest(
        'invalid_action',
        '"action" must be one of scale, restart, delete, cordon, uncordon',
      );
  }
}

/** Does it; resolves with a sentence saying what was done, throws what the cluster said. */
export async function runAction(config: KubeConfig, request: ActionRequest): Promise<string> {
  const { kind, name, namespace = '' } = request;
  const what = `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
  const apps = () => config.makeApiClient(AppsV1Api);
  switch (request.action) {
    case 'scale': {
      const body = { spec: { replicas: request.replicas } };
      const target = { name, namespace, body };
      if (kind === 'Deployment') await apps().patchNamespacedDeploymentScale(target, mergePatch());
      else if (kind === 'StatefulSet')
        await apps().patchNamespacedStatefulSetScale(target, mergePatch());
      else await apps().patchNamespacedReplicaSetScale(target, mergePatch());
      return `scaled ${what} to ${request.replicas}`;
    }
    case 'restart': {
      const at = new Date().toISOString();
      const body = {
        spec: {
          template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } },
        },
      };
      const target = { name, namespace, body };
      if (kind === 'Deployment') await apps().patchNamespacedDeployment(target, mergePatch());
      else if (kind === 'StatefulSet')
        await apps().patchNamespacedStatefulSet(target, mergePatch());
      else await apps().patchNamespacedDaemonSet(target, mergePatch());
      return `restarted ${what}`;
    }
    case 'cordon':
    case 'uncordon':
      await config
        .makeApiClient(CoreV1Api)
        .patchNode(
          { name, body: { spec: { unschedulable: request.action === 'cordon' } } },
          mergePatch(),
        );
      return `${request.action}ed ${what}`;
    case 'delete': {
      const { apiVersion } = WATCHED_KINDS.find((watched) => watched.kind === kind)!;
      await KubernetesObjectApi.makeApiClient(config).delete({
        apiVersion,
        kind,
        metadata: { name, ...(namespace ? { namespace } : {}) },
      });
      return `deleted ${what}`;
    }
  }
}
