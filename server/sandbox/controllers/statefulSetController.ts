/**
 * Runs StatefulSets as kube-controller-manager does: pods with stable names `<set>-<ordinal>`
 * and hostnames under the governing Service, and one PersistentVolumeClaim per
 * `volumeClaimTemplates` entry and ordinal, created before its pod and kept after it (unless
 * `persistentVolumeClaimRetentionPolicy` says otherwise). Under the default `OrderedReady`
 * policy pods come up one at a time in ordinal order, each once the one before is Running and
 * Ready, and go from the highest ordinal; `Parallel` does both at once. A template change
 * replaces pods from the highest ordinal down, one at a time and only past a ready predecessor
 * (down to `partition`; under `OnDelete` only pods someone deletes), and the status carries the
 * counts and revisions that `kubectl rollout status` compares.
 */
import { isDeepStrictEqual } from 'node:util';
import { asObject, isPlainObject, type KubeObject } from '../kubeObject.js';
import { controllerReference, splitKey, type ControllerContext } from './controllerContext.js';
import {
  isPodActive,
  isPodFinished,
  isPodReady,
  podFromTemplate,
  podPhase,
  templateHash,
  templateOf,
} from './podTemplates.js';
import { OwnerController } from './ownerController.js';

type Json = Record<string, unknown>;

const COMPONENT = 'statefulset-controller';
/** The label naming the revision (`<set>-<hash>`) a pod was made from. */
export const REVISION_LABEL = 'controller-revision-hash';
const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

const revisionOf = (pod: KubeObject): string | undefined => pod.metadata.labels?.[REVISION_LABEL];
/** What the StatefulSet controller waits for before it moves on: Running and Ready. */
const isHealthy = (pod: KubeObject): boolean => podPhase(pod) === 'Running' && isPodReady(pod);

/** The parts of a StatefulSet's spec that decide what its pods should be. */
interface SetPlan {
  name: string;
  namespace: string;
  first: number;
  end: number;
  ordered: boolean;
  rolling: boolean;
  partition: number;
  serviceName: string | undefined;
  claimTemplates: Json[];
  deleteClaimsWhenScaled: boolean;
  deleteClaimsWithSet: boolean;
}

function planOf(set: KubeObject): SetPlan {
  const spec = asObject(set.spec);
  const strategy = asObject(spec.updateStrategy);
  const retention = asObject(spec.persistentVolumeClaimRetentionPolicy);
  const first = Number(asObject(spec.ordinals).start ?? 0);
  return {
    name: set.metadata.name,
    namespace: set.metadata.namespace ?? '',
    first,
    end: first + Number(spec.replicas ?? 1),
    ordered: spec.podManagementPolicy !== 'Parallel',
    rolling: (strategy.type ?? 'RollingUpdate') === 'RollingUpdate',
    partition: Number(asObject(strategy.rollingUpdate).partition ?? 0),
    serviceName: typeof spec.serviceName === 'string' ? spec.serviceName : undefined,
    claimTemplates: (Array.isArray(spec.volumeClaimTemplates)
      ? spec.volumeClaimTemplates
      : []
    ).filter(
      (template): template is Json =>
        isPlainObject(template) && typeof asObject(template.metadata).name === 'string',
    ),
    deleteClaimsWhenScaled: retention.whenScaled === 'Delete',
    deleteClaimsWithSet: retention.whenDeleted === 'Delete',
  };
}

/** The revisions a sync works with: the one the pods should reach and the one they came from. */
interface Revisions {
  update: string;
  current: string;
  templates: Map<string, Json>;
}

export class StatefulSetController extends OwnerController {
  /**
   * Pod templates by revision, per set. The sandbox serves no ControllerRevisions, so the
   * template of the revision a rollout started from lives here: pods below a partition are
   * recreated from it. After a restart it is unknown, and the new template stands in.
   */
  private readonly templates = new Map<string, Map<string, Json>>();

  constructor(context: ControllerContext) {
    super(context, 'statefulset', context.kinds.statefulSet, context.kinds.pod);
  }

  protected sync(key: string): void {
    const { resources, kinds } = this.context;
    const [namespace, name] = splitKey(key);
    const set = resources.find(kinds.statefulSet, namespace, name);
    if (!set || set.metadata.deletionTimestamp) {
      this.templates.delete(key);
      return;
    }
    const template = templateOf(set);
    const status = asObject(set.status);
    const update = `${name}-${templateHash(template)}`;
    const current = typeof status.currentRevision === 'string' ? status.currentRevision : update;
    const templates = this.templates.get(key) ?? new Map<string, Json>();
    this.templates.set(key, templates);
    templates.set(update, template);

    const plan = planOf(set);
    this.reconcilePods(set, plan, { update, current, templates });
    const next = this.writeStatus(set, plan, update, current);
    for (const revision of templates.keys()) {
      if (revision !== update && revision !== next) templates.delete(revision);
    }
  }

  /** One step towards the wanted pods; returns early wherever Kubernetes would wait. */
  private reconcilePods(set: KubeObject, plan: SetPlan, revisions: Revisions): void {
    const pods = this.podsByOrdinal(set, plan.name);
    // A pod that will not run again is replaced, as the kubelet never restarts it.
    for (const [ordinal, pod] of pods) {
      if (!isPodFinished(pod)) continue;
      this.deletePod(set, pod);
      pods.delete(ordinal);
    }

    for (let ordinal = plan.first; ordinal < plan.end; ordinal++) {
      const pod = pods.get(ordinal);
      if (!pod) {
        const created = this.createPod(set, plan, ordinal, revisions);
        if (!created) return;
        pods.set(ordinal, created);
        if (plan.ordered) return;
      } else if (plan.ordered && !isHealthy(pod)) return;
    }

    const condemned = [...pods.keys()]
      .filter((ordinal) => ordinal < plan.first || ordinal >= plan.end)
      .sort((a, b) => b - a);
    for (const ordinal of condemned) {
      this.deletePod(set, pods.get(ordinal)!);
      pods.delete(ordinal);
      if (plan.deleteClaimsWhenScaled) this.deleteClaims(plan, ordinal);
      if (plan.ordered) return;
    }

    if (!plan.rolling) return;
    // Highest ordinal first; each replaced pod must be healthy before the next one goes.
    for (let ordinal = plan.end - 1; ordinal >= plan.first + plan.partition; ordinal--) {
      const pod = pods.get(ordinal);
      if (!pod) return;
      if (revisionOf(pod) !== revisions.update) return this.deletePod(set, pod);
      if (!isHealthy(pod)) return;
    }
  }

  /** The set's active pods by ordinal (pods it controls under other names are left alone). */
  private podsByOrdinal(set: KubeObject, name: string): Map<number, KubeObject> {
    const { kinds } = this.context;
    const pods = new Map<number, KubeObject>();
    for (const pod of this.context.owners.controlledBy(set, kinds.pod)) {
      if (pod.metadata.deletionTimestamp) continue;
      const suffix = pod.metadata.name.slice(name.length + 1);
      if (pod.metadata.name.startsWith(`${name}-`) && /^\d+$/.test(suffix)) {
        pods.set(Number(suffix), pod);
      }
    }
    return pods;
  }

  private createPod(
    set: KubeObject,
    plan: SetPlan,
    ordinal: number,
    revisions: Revisions,
  ): KubeObject | undefined {
    const { resources, kinds, events } = this.context;
    const podName = `${plan.name}-${ordinal}`;
    if (resources.find(kinds.pod, plan.namespace, podName)) {
      events.record(
        set,
        'Warning',
        'FailedCreate',
        `create Pod ${podName} in StatefulSet ${plan.name} failed error: a pod of that name exists and is not controlled by this StatefulSet`,
        COMPONENT,
      );
      return undefined;
    }
    this.ensureClaims(set, plan, ordinal);
    // Below the partition pods stay at the revision the rollout started from.
    const keepCurrent = plan.rolling && ordinal < plan.first + plan.partition;
    const known = keepCurrent && revisions.templates.get(revisions.current);
    const revision = known ? revisions.current : revisions.update;
    const template = known || revisions.templates.get(revisions.update)!;
    const pod = podFromTemplate(
      template,
      controllerReference(set, kinds.statefulSet),
      { name: podName },
      {
        labels: {
          [REVISION_LABEL]: revision,
          [POD_NAME_LABEL]: podName,
          [POD_INDEX_LABEL]: String(ordinal),
        },
        hostname: podName,
      },
    );
    const spec = asObject(pod.spec);
    if (plan.serviceName) spec.subdomain = plan.serviceName;
    if (plan.claimTemplates.length > 0) spec.volumes = podVolumes(spec.volumes, plan, ordinal);
    const created = resources.create(kinds.pod, plan.namespace, pod);
    events.record(
      set,
      'Normal',
      'SuccessfulCreate',
      `create Pod ${podName} in StatefulSet ${plan.name} successful`,
      COMPONENT,
    );
    return created;
  }

  /** Creates the ordinal's missing claims; existing ones are reused whatever they hold. */
  private ensureClaims(set: KubeObject, plan: SetPlan, ordinal: number): void {
    const { resources, kinds, events } = this.context;
    const selector = asObject(asObject(set.spec).selector);
    for (const template of plan.claimTemplates) {
      const metadata = asObject(template.metadata);
      const claimName = claimNameOf(metadata.name, plan, ordinal);
      if (resources.find(kinds.persistentVolumeClaim, plan.namespace, claimName)) continue;
      resources.create(kinds.persistentVolumeClaim, plan.namespace, {
        metadata: {
          name: claimName,
          labels: {
            ...(selector.matchLabels as Record<string, string> | undefined),
            ...(metadata.labels as Record<string, string> | undefined),
          },
          ...(metadata.annotations ? { annotations: metadata.annotations } : {}),
          ...(plan.deleteClaimsWithSet
            ? { ownerReferences: [controllerReference(set, kinds.statefulSet)] }
            : {}),
        },
        spec: structuredClone(asObject(template.spec)),
      });
      events.record(
        set,
        'Normal',
        'SuccessfulCreate',
        `create Claim ${claimName} Pod ${plan.name}-${ordinal} in StatefulSet ${plan.name} success`,
        COMPONENT,
      );
    }
  }

  private deleteClaims(plan: SetPlan, ordinal: number): void {
    const { resources, kinds } = this.context;
    for (const template of plan.claimTemplates) {
      const claimName = claimNameOf(asObject(template.metadata).name, plan, ordinal);
      if (resources.find(kinds.persistentVolumeClaim, plan.namespace, claimName)) {
        resources.delete(kinds.persistentVolumeClaim, plan.namespace, claimName);
      }
    }
  }

  private deletePod(set: KubeObject, pod: KubeObject): void {
    const { resources, kinds, events } = this.context;
    resources.delete(kinds.pod, pod.metadata.namespace, pod.metadata.name);
    events.record(
      set,
      'Normal',
      'SuccessfulDelete',
      `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`,
      COMPONENT,
    );
  }

  /** Writes the status from the pods as they are now; returns the current revision it wrote. */
  private writeStatus(set: KubeObject, plan: SetPlan, update: string, current: string): string {
    const { resources, kinds } = this.context;
    const pods = [...this.podsByOrdinal(set, plan.name).values()].filter(isPodActive);
    const ready = pods.filter(isHealthy).length;
    const updated = pods.filter((pod) => revisionOf(pod) === update).length;
    // Every pod updated and ready: the rollout is over and the new revision becomes current.
    const done = updated === pods.length && ready === pods.length;
    const currentRevision = done ? update : current;
    const status = {
      observedGeneration: set.metadata.generation,
      replicas: pods.length,
      readyReplicas: ready,
      currentReplicas: pods.filter((pod) => revisionOf(pod) === currentRevision).length,
      updatedReplicas: updated,
      availableReplicas: ready,
      currentRevision,
      updateRevision: update,
      collisionCount: 0,
    };
    if (!isDeepStrictEqual(set.status, status)) {
      resources.update(
        kinds.statefulSet,
        plan.namespace,
        plan.name,
        { ...set, status },
        { subresource: 'status' },
      );
    }
    return currentRevision;
  }
}

/** `<template>-<set>-<ordinal>`, the claim Kubernetes gives each ordinal. */
const claimNameOf = (template: unknown, plan: SetPlan, ordinal: number): string =>
  `${String(template)}-${plan.name}-${ordinal}`;

/** The template's volumes with each claim template's name pointing at the ordinal's claim. */
function podVolumes(volumes: unknown, plan: SetPlan, ordinal: number): Json[] {
  const claims = plan.claimTemplates.map((template) => {
    const name = asObject(template.metadata).name;
    return { name, persistentVolumeClaim: { claimName: claimNameOf(name, plan, ordinal) } };
  });
  const names = new Set(claims.map((claim) => claim.name));
  const own = (Array.isArray(volumes) ? volumes : []).filter(
    (volume): volume is Json => isPlainObject(volume) && !names.has(volume.name),
  );
  return [...claims, ...own];
}
