/**
 * Rolls Deployments out through ReplicaSets, as kube-controller-manager does: one ReplicaSet per
 * pod template (named by the template's hash and numbered by a revision annotation), scaled up
 * and the old ones scaled down within `maxSurge` and `maxUnavailable` (or all at once for
 * `Recreate`), old ReplicaSets kept up to `revisionHistoryLimit`, and the status fields and
 * conditions that `kubectl rollout status` reads.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../kubeObject.js';
import { controllerReference, splitKey, type ControllerContext } from './controllerContext.js';
import { POD_TEMPLATE_HASH, templateHash, templateOf } from './podTemplates.js';
import { deploymentStatus, replicasOf, statusCount } from './deploymentStatus.js';
import { scaledIntOrPercent } from './quantities.js';
import { OwnerController } from './ownerController.js';

type Json = Record<string, unknown>;

export const REVISION = 'deployment.kubernetes.io/revision';
const COMPONENT = 'deployment-controller';

const revisionOf = (set: KubeObject): number => Number(set.metadata.annotations?.[REVISION] ?? 0);

export class DeploymentController extends OwnerController {
  constructor(context: ControllerContext) {
    super(context, 'deployment', context.kinds.deployment, context.kinds.replicaSet);
  }

  protected sync(key: string): void {
    const { resources, kinds } = this.context;
    const [namespace, name] = splitKey(key);
    const deployment = resources.find(kinds.deployment, namespace, name);
    if (!deployment || deployment.metadata.deletionTimestamp) return;
    const spec = (deployment.spec ?? {}) as Json;
    const sets = this.context.owners.controlledBy(deployment, kinds.replicaSet);
    const hash = templateHash(templateOf(deployment));
    let current = sets.find((set) => set.metadata.labels?.[POD_TEMPLATE_HASH] === hash);
    const maxRevision = Math.max(0, ...sets.map(revisionOf));

    if (!spec.paused) {
      if (!current) current = this.createReplicaSet(deployment, hash, maxRevision + 1);
      else if (revisionOf(current) < maxRevision) {
        // Back to an older template (a rollback): that ReplicaSet becomes the newest revision.
        current = this.annotate(current, maxRevision + 1);
      }
      const old = sets.filter((set) => set !== current);
      const strategy = (spec.strategy ?? {}) as Json;
      if (strategy.type === 'Recreate') this.recreate(deployment, current, old);
      else this.rollOut(deployment, current, old, (strategy.rollingUpdate ?? {}) as Json);
      this.pruneHistory(deployment, old);
    }

    const latest = resources.find(kinds.deployment, namespace, name)!;
    const owned = this.context.owners.controlledBy(latest, kinds.replicaSet);
    const newest = owned.find((set) => set.metadata.labels?.[POD_TEMPLATE_HASH] === hash);
    const revision = newest ? String(revisionOf(newest)) : undefined;
    if (revision && latest.metadata.annotations?.[REVISION] !== revision) {
      resources.update(kinds.deployment, namespace, name, {
        ...latest,
        metadata: {
          ...latest.metadata,
          annotations: { ...latest.metadata.annotations, [REVISION]: revision },
        },
      });
    }
    const { status, recheckAfterMs } = deploymentStatus(latest, newest, owned);
    const stored = resources.find(kinds.deployment, namespace, name)!;
    if (!isDeepStrictEqual(stored.status, status)) {
      resources.update(
        kinds.deployment,
        namespace,
        name,
        { ...stored, status },
        { subresource: 'status' },
      );
    }
    if (recheckAfterMs !== undefined) this.queue.addAfter(key, recheckAfterMs);
  }

  private createReplicaSet(deployment: KubeObject, hash: string, revision: number): KubeObject {
    const { resources, kinds, events } = this.context;
    const spec = (deployment.spec ?? {}) as Json;
    const template = templateOf(deployment);
    const templateMetadata = (template.metadata ?? {}) as Json;
    const labels = {
      ...(templateMetadata.labels as Record<string, string>),
      [POD_TEMPLATE_HASH]: hash,
    };
    const selector = (spec.selector ?? {}) as Json;
    const set = resources.create(kinds.replicaSet, deployment.metadata.namespace, {
      metadata: {
        name: `${deployment.metadata.name}-${hash}`,
        labels,
        annotations: { [REVISION]: String(revision) },
        ownerReferences: [controllerReference(deployment, kinds.deployment)],
      },
      spec: {
        replicas: 0,
        ...(spec.minReadySeconds !== undefined ? { minReadySeconds: spec.minReadySeconds } : {}),
        selector: {
          ...selector,
          matchLabels: { ...(selector.matchLabels as object), [POD_TEMPLATE_HASH]: hash },
        },
        template: { ...template, metadata: { ...templateMetadata, labels } },
      },
    });
    events.record(
      deployment,
      'Normal',
      'ScalingReplicaSet',
      `Created new replica set "${set.metadata.name}"`,
      COMPONENT,
    );
    return set;
  }

  private rollOut(
    deployment: KubeObject,
    current: KubeObject,
    old: KubeObject[],
    rolling: Json,
  ): void {
    const desired = Number((deployment.spec as Json).replicas ?? 1);
    const surge = scaledIntOrPercent(rolling.maxSurge ?? '25%', desired, true);
    let unavailable = scaledIntOrPercent(rolling.maxUnavailable ?? '25%', desired, false);
    if (surge === 0 && unavailable === 0) unavailable = 1;

    const oldTotal = old.reduce((sum, set) => sum + replicasOf(set), 0);
    const currentReplicas = replicasOf(current);
    if (currentReplicas > desired) this.scale(deployment, current, desired);
    else if (currentReplicas < desired) {
      const room = Math.max(0, desired + surge - oldTotal - currentReplicas);
      const target = Math.min(desired, currentReplicas + room);
      if (target > currentReplicas) this.scale(deployment, current, target);
    }

    // Old pods go only as far as availability allows: at least `desired - unavailable` stay up.
    const all = [current, ...old];
    const total = all.reduce((sum, set) => sum + replicasOf(set), 0);
    const currentUnavailable = Math.max(
      0,
      replicasOf(current) - statusCount(current, 'availableReplicas'),
    );
    let allowance = total - (desired - unavailable) - currentUnavailable;
    const oldestFirst = [...old].sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const set of oldestFirst) {
      const replicas = replicasOf(set);
      if (replicas === 0) continue;
      // Unavailable old pods can always go: they do not count towards availability.
      const broken = Math.max(0, replicas - statusCount(set, 'availableReplicas'));
      const cut = Math.min(replicas, broken + Math.max(0, allowance));
      allowance -= cut - broken;
      if (cut > 0) this.scale(deployment, set, replicas - cut);
    }
  }

  private recreate(deployment: KubeObject, current: KubeObject, old: KubeObject[]): void {
    const running = old.filter((set) => replicasOf(set) > 0 || statusCount(set, 'replicas') > 0);
    for (const set of running) if (replicasOf(set) > 0) this.scale(deployment, set, 0);
    if (running.length === 0) {
      const desired = Number((deployment.spec as Json).replicas ?? 1);
      if (replicasOf(current) !== desired) this.scale(deployment, current, desired);
    }
  }

  private scale(deployment: KubeObject, set: KubeObject, replicas: number): void {
    const { resources, kinds, events } = this.context;
    const latest = resources.find(kinds.replicaSet, set.metadata.namespace!, set.metadata.name);
    if (!latest || replicasOf(latest) === replicas) return;
    resources.update(kinds.replicaSet, latest.metadata.namespace, latest.metadata.name, {
      ...latest,
      spec: { ...(latest.spec as Json), replicas },
    });
    const direction = replicas > replicasOf(latest) ? 'up' : 'down';
    events.record(
      deployment,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${direction} replica set ${latest.metadata.name} from ${replicasOf(latest)} to ${replicas}`,
      COMPONENT,
    );
  }

  private annotate(set: KubeObject, revision: number): KubeObject {
    const { resources, kinds } = this.context;
    return resources.update(kinds.replicaSet, set.metadata.namespace, set.metadata.name, {
      ...set,
      metadata: {
        ...set.metadata,
        annotations: { ...set.metadata.annotations, [REVISION]: String(revision) },
      },
    });
  }

  /** Deletes the oldest scaled-down ReplicaSets beyond `revisionHistoryLimit`. */
  private pruneHistory(deployment: KubeObject, old: KubeObject[]): void {
    const { resources, kinds } = this.context;
    const limit = Number((deployment.spec as Json).revisionHistoryLimit ?? 10);
    const idle = old
      .filter((set) => replicasOf(set) === 0 && statusCount(set, 'replicas') === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const set of idle.slice(0, Math.max(0, idle.length - limit))) {
      resources.delete(kinds.replicaSet, set.metadata.namespace, set.metadata.name);
    }
  }
}
