/**
 * Keeps each ReplicaSet's number of active pods at `spec.replicas`: creates pods from the template
 * or deletes the least useful ones (unscheduled, then not ready, then newest), and reports
 * replicas, ready and available counts and the generation it has seen.
 */
import { isDeepStrictEqual } from 'node:util';
import { asObject, isPlainObject, type KubeObject } from '../kubeObject.js';
import {
  controllerReference,
  CREATE_BATCH_PAUSE_MS,
  MAX_CREATES_PER_SYNC,
  splitKey,
  type ControllerContext,
} from './controllerContext.js';
import { isPodActive, isPodReady, podFromTemplate, templateOf } from './podTemplates.js';
import { OwnerController } from './ownerController.js';

const COMPONENT = 'replicaset-controller';

export class ReplicaSetController extends OwnerController {
  constructor(context: ControllerContext) {
    super(context, 'replicaset', context.kinds.replicaSet, context.kinds.pod);
  }

  protected sync(key: string): void {
    const { resources, kinds, events } = this.context;
    const [namespace, name] = splitKey(key);
    const set = resources.find(kinds.replicaSet, namespace, name);
    if (!set || set.metadata.deletionTimestamp) return;
    const spec = asObject(set.spec);
    const wanted = Number(spec.replicas ?? 1);
    let pods = this.context.owners.controlledBy(set, kinds.pod).filter(isPodActive);

    if (pods.length < wanted) {
      const owner = controllerReference(set, kinds.replicaSet);
      const batch = Math.min(wanted, pods.length + MAX_CREATES_PER_SYNC);
      if (batch < wanted) this.queue.addAfter(key, CREATE_BATCH_PAUSE_MS);
      for (let i = pods.length; i < batch; i++) {
        const pod = resources.create(
          kinds.pod,
          namespace,
          podFromTemplate(templateOf(set), owner, { generateName: `${name}-` }),
        );
        pods.push(pod);
        events.record(
          set,
          'Normal',
          'SuccessfulCreate',
          `Created pod: ${pod.metadata.name}`,
          COMPONENT,
        );
      }
    } else if (pods.length > wanted) {
      const doomed = [...pods].sort(deletionOrder).slice(0, pods.length - wanted);
      for (const pod of doomed) {
        resources.delete(kinds.pod, namespace, pod.metadata.name);
        events.record(
          set,
          'Normal',
          'SuccessfulDelete',
          `Deleted pod: ${pod.metadata.name}`,
          COMPONENT,
        );
      }
      pods = pods.filter((pod) => !doomed.includes(pod));
    }

    const ready = pods.filter(isPodReady).length;
    const status = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: set.metadata.generation,
    };
    if (!isDeepStrictEqual(set.status, status)) {
      resources.update(
        kinds.replicaSet,
        namespace,
        name,
        { ...set, status },
        { subresource: 'status' },
      );
    }
  }
}

/** Pods worth the least come first: not yet on a node, then not ready, then the newest. */
function deletionOrder(a: KubeObject, b: KubeObject): number {
  const rank = (pod: KubeObject) =>
    (isPlainObject(pod.spec) && pod.spec.nodeName ? 2 : 0) + (isPodReady(pod) ? 1 : 0);
  return (
    rank(a) - rank(b) ||
    String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)) ||
    Number(b.metadata.resourceVersion) - Number(a.metadata.resourceVersion)
  );
}
