/**
 * One deployment on one cluster: applies a design's objects, prunes what the design no longer
 * has and waits for workloads to roll out (deploy), or deletes everything the design put there
 * and waits until it is gone (undeploy). Every step updates `progress` and calls `changed`.
 *
 * - Server-side apply with field manager `weft`, stage by stage (see applyOrder), the objects of
 *   a stage side by side. A field another manager owns stops that object (a conflict) unless
 *   `force` takes it over.
 * - Dry-run sends every request with `dryRun=All`: the API server validates and defaults, and
 *   stores nothing; nothing is waited for.
 * - Objects are found on the cluster by the design's label, kind by kind: the kinds of the
 *   design now and of the deployment before (`knownKinds`), so that a kind the design dropped
 *   is still pruned.
 */
import {
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import {
  COMPONENT_ANNOTATION,
  DESIGN_LABEL,
  type ConnectionDeployment,
  type DeployedResource,
  type DeploymentAction,
  objectIdentity,
} from '../../shared/deploy/deployment.js';
import { clusterFailure } from '../kube/failure.js';
import { applyStages } from './applyOrder.js';
import type { DeployObject } from './deployObjects.js';
import { readiness, ROLLOUT_KINDS } from './readiness.js';

export const FIELD_MANAGER = 'weft';
/** Requests to one cluster at a time, at most. */
const PARALLEL_REQUESTS = 16;
/** How often rollouts and deletions are looked at while waiting. */
const POLL_MS = 250;

export interface Kind {
  apiVersion: string;
  kind: string;
}

export interface DeployPlan {
  deployment: string;
  designId: string;
  action: DeploymentAction;
  /** The design's objects (undeploy uses only their kinds). */
  objects: DeployObject[];
  /** Kinds the design had when last deployed here. */
  knownKinds: Kind[];
  dryRun: boolean;
  force: boolean;
  /** How long to wait for rollouts (deploy) or deletions (undeploy). */
  timeoutMs: number;
}

type Resource = DeployedResource;

export class ClusterDeployment {
  readonly progress: ConnectionDeployment;
  private readonly api: KubernetesObjectApi;
  private cancelled = false;

  constructor(
    config: KubeConfig,
    private readonly plan: DeployPlan,
    private readonly changed: () => void,
  ) {
    this.api = KubernetesObjectApi.makeApiClient(config);
    this.progress = {
      deployment: plan.deployment,
      action: plan.action,
      dryRun: plan.dryRun,
      state: 'pending',
      startedAt: new Date().toISOString(),
      appliedAt: null,
      finishedAt: null,
      resources: [],
    };
  }

  /** Runs the plan to the end; never throws (failures are in `progress`). */
  async run(): Promise<void> {
    this.progress.state = 'running';
    this.changed();
    try {
      if (this.plan.action === 'deploy') await this.deploy();
      else await this.undeploy();
    } catch (error) {
      this.progress.error = clusterFailure(error).message;
      for (const resource of this.progress.resources) {
        if (resource.state === 'pending') {
          Object.assign(resource, { state: 'failed', message: 'not done' });
        }
      }
    }
    const failed =
      this.progress.error !== undefined ||
      this.progress.resources.some((resource) => resource.state === 'failed');
    this.progress.state = failed ? 'failed' : 'succeeded';
    this.progress.finishedAt = new Date().toISOString();
    this.changed();
  }

  /** Stops waiting: what is still waited for fails at once (the hub is shutting down). */
  cancel(): void {
    this.cancelled = true;
  }

  private async deploy(): Promise<void> {
    const applies = this.plan.objects.map(({ component, object }) => ({
      object,
      resource: this.track(headerOf(object), component, 'apply'),
    }));
    this.changed();
    for (const stage of applyStages(applies, (item) => item.object.kind)) {
      await eachLimited(stage, ({ object, resource }) => this.apply(object, resource));
    }
    // Pruning needs every object's real namespace, which only the applies told.
    if (applies.some(({ resource }) => resource.state === 'failed')) return;
    await this.prune(new Set(applies.map(({ resource }) => objectIdentity(resource))));
    this.progress.appliedAt = new Date().toISOString();
    if (!this.plan.dryRun) await this.awaitRollouts(applies.map(({ resource }) => resource));
  }

  private async apply(object: DeployObject['object'], resource: Resource): Promise<void> {
    try {
      const applied = await this.api.patch(
        object,
        undefined,
        this.dryRun,
        FIELD_MANAGER,
        this.plan.force,
        PatchStrategy.ServerSideApply,
      );
      resource.namespace = applied.metadata?.namespace ?? resource.namespace;
      this.update(resource, {
        state: 'applied',
        message: this.plan.dryRun ? 'would apply' : 'applied',
      });
    } catch (error) {
      const failure = clusterFailure(error);
      if (failure.code === undefined) {
        // The cluster never answered: no object can be applied, so the deployment as a whole
        // fails with why, rather than each object with the same network error.
        throw new Error(`could not reach the cluster: ${failure.message}`);
      }
      if (this.plan.dryRun && this.createsNamespace(failure.missing)) {
        // The API server cannot check an object in a namespace this same deployment creates.
        this.update(resource, {
          state: 'applied',
          message: `would apply; not checked further, as namespace ${resource.namespace} does not exist yet`,
        });
        return;
      }
      this.update(resource, {
        state: 'failed',
        message: failure.conflict
          ? `${failure.message} (deploy with force to take over)`
          : failure.message,
        ...(failure.conflict ? { conflict: true } : {}),
        ...(failure.problems.length > 0 ? { problems: failure.problems } : {}),
      });
    }
  }

  private createsNamespace(missing: { kind: string; name: string } | undefined): boolean {
    return (
      missing?.kind === 'namespaces' &&
      this.plan.objects.some(
        ({ object }) => object.kind === 'Namespace' && object.metadata.name === missing.name,
      )
    );
  }

  /** Deletes the design's objects on the cluster that it no longer has. */
  private async prune(current: ReadonlySet<string>): Promise<void> {
    const stale = (await this.labelled()).filter((found) => !current.has(objectIdentity(found)));
    await this.remove(stale, 'prune');
  }

  private async undeploy(): Promise<void> {
    const found = await this.labelled();
    await this.remove(found, 'delete');
    this.progress.appliedAt = new Date().toISOString();
    if (this.plan.dryRun) return;
    const deleted = this.progress.resources.filter((resource) => resource.state === 'applied');
    await this.waitFor(deleted, async (resource) => {
      const gone = !(await this.exists(resource));
      return { done: gone, message: gone ? 'deleted' : 'deleting' };
    });
  }

  /** Deletes `objects` in reverse apply order, stage by stage. */
  private async remove(objects: Header[], action: 'prune' | 'delete'): Promise<void> {
    const resources = objects.map((found) => this.track(found, found.component, action));
    this.changed();
    for (const stage of applyStages(resources, (resource) => resource.kind).reverse()) {
      await eachLimited(stage, async (resource) => {
        try {
          await this.api.delete(
            resourceHeader(resource),
            undefined,
            this.dryRun,
            undefined,
            undefined,
            'Background',
          );
          this.update(resource, {
            state: 'applied',
            message: this.plan.dryRun ? 'would delete' : 'deleting',
          });
        } catch (error) {
          const failure = clusterFailure(error);
          if (failure.code === 404)
            this.update(resource, { state: 'ready', message: 'already gone' });
          else this.update(resource, { state: 'failed', message: failure.message });
        }
      });
    }
  }

  /** Every object on the cluster carrying the design's label, of the kinds it may have used. */
  private async labelled(): Promise<Header[]> {
    const kinds = new Map<string, Kind>();
    for (const kind of [
      ...this.plan.knownKinds,
      ...this.plan.objects.map(({ object }) => object),
    ]) {
      kinds.set(`${kind.apiVersion}\u0000${kind.kind}`, {
        apiVersion: kind.apiVersion,
        kind: kind.kind,
      });
    }
    const selector = `${DESIGN_LABEL}=${this.plan.designId}`;
    const found: Header[] = [];
    await eachLimited([...kinds.values()], async ({ apiVersion, kind }) => {
      let list;
      try {
        list = await this.api.list(
          apiVersion,
          kind,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          selector,
        );
      } catch (error) {
        // A kind the cluster does not serve (a CRD since removed) holds nothing of ours.
        if (clusterFailure(error).code === 404) return;
        throw error;
      }
      for (const item of list.items) found.push(headerOf({ ...item, apiVersion, kind }));
    });
    return found;
  }

  private async awaitRollouts(resources: Resource[]): Promise<void> {
    const waiting: Resource[] = [];
    for (const resource of resources) {
      if (ROLLOUT_KINDS.has(resource.kind)) waiting.push(resource);
      else this.update(resource, { state: 'ready', message: 'applied' });
    }
    await this.waitFor(waiting, async (resource) => {
      const state = readiness(await this.api.read(resourceHeader(resource)));
      if (state.failed) throw new Error(state.message);
      return { done: state.ready, message: state.message };
    });
  }

  /**
   * Looks at each resource every POLL_MS until `check` says it is done (then `ready`), throws
   * (then `failed`), or the plan's time runs out (then `failed`, with the last message).
   */
  private async waitFor(
    resources: Resource[],
    check: (resource: Resource) => Promise<{ done: boolean; message: string }>,
  ): Promise<void> {
    const deadline = performance.now() + this.plan.timeoutMs;
    let pending = resources;
    while (pending.length > 0) {
      const still: Resource[] = [];
      await eachLimited(pending, async (resource) => {
        try {
          const { done, message } = await check(resource);
          if (done) this.update(resource, { state: 'ready', message });
          else {
            if (message !== resource.message) this.update(resource, { message });
            still.push(resource);
          }
        } catch (error) {
          this.update(resource, { state: 'failed', message: clusterFailure(error).message });
        }
      });
      pending = still;
      if (pending.length === 0) return;
      if (this.cancelled || performance.now() >= deadline) {
        const why = this.cancelled
          ? 'the hub shut down while waiting'
          : `not done after ${Math.round(this.plan.timeoutMs / 1000)} s`;
        for (const resource of pending) {
          this.update(resource, { state: 'failed', message: `${why}: ${resource.message}` });
        }
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async exists(resource: Resource): Promise<boolean> {
    try {
      await this.api.read(resourceHeader(resource));
      return true;
    } catch (error) {
      if (clusterFailure(error).code === 404) return false;
      throw error;
    }
  }

  private get dryRun(): string | undefined {
    return this.plan.dryRun ? 'All' : undefined;
  }

  private track(header: Header, component: string | null, action: Resource['action']): Resource {
    const resource: Resource = {
      apiVersion: header.apiVersion,
      kind: header.kind,
      ...(header.namespace ? { namespace: header.namespace } : {}),
      name: header.name,
      component,
      action,
      state: 'pending',
      message: 'waiting',
    };
    this.progress.resources.push(resource);
    return resource;
  }

  private update(resource: Resource, change: Partial<Resource>): void {
    Object.assign(resource, change);
    this.changed();
  }
}

type Header = Pick<Resource, 'apiVersion' | 'kind' | 'namespace' | 'name' | 'component'>;

/** Which object this is, and the component our annotation says it comes from. */
function headerOf(object: KubernetesObject & { apiVersion: string; kind: string }): Header {
  const metadata = object.metadata ?? {};
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
    name: metadata.name ?? '',
    component: metadata.annotations?.[COMPONENT_ANNOTATION] ?? null,
  };
}

/** What `read` and `delete` need to name an object. */
const resourceHeader = (resource: Header) => ({
  apiVersion: resource.apiVersion,
  kind: resource.kind,
  metadata: {
    name: resource.name,
    ...(resource.namespace ? { namespace: resource.namespace } : {}),
  },
});

/** Runs `work` over `items`, PARALLEL_REQUESTS at a time; the first failure stops it taking more. */
async function eachLimited<T>(
  items: readonly T[],
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      try {
        await work(items[next++]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  // Settled, not raced: what is already under way finishes before the failure is reported.
  const workers = Array.from({ length: Math.min(PARALLEL_REQUESTS, items.length) }, worker);
  const rejected = (await Promise.allSettled(workers)).find((r) => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}
