/**
 * Serves what CustomResourceDefinitions define, as kube-apiserver's apiextensions controllers
 * do: each CRD's served versions join the catalog (and so routing, discovery, storage and the
 * OpenAPI documents), and its status says so — names accepted, established, the versions
 * stored. A deleted CRD first has its custom resources deleted, held by the
 * `customresourcecleanup.apiextensions.k8s.io` finalizer, and only then stops being served.
 *
 * The catalog lives in memory: CRDs already stored are served again when the controller starts,
 * before the other controllers look at the catalog.
 */
import { isDeepStrictEqual } from 'node:util';
import { asJsonObject, type JsonObject } from '../../../shared/design/model.js';
import { CRD_CLEANUP_FINALIZER } from '../crdRules.js';
import { crdNamesOf, customResourceTypes } from '../customResourceTypes.js';
import { timestamp, type KubeObject } from '../kubeObject.js';
import type { StoredEvent } from '../objectStore.js';
import type { ResourceCatalog } from '../resourceCatalog.js';
import { apiVersionOf, groupResourceOf, type ResourceType } from '../resourceTypes.js';
import { isAbout, type ControllerContext } from './controllerContext.js';
import { QueuedController } from './queuedController.js';

type Condition = { type: string; status: string; reason: string; message: string };

const NAMES_ACCEPTED: Condition = {
  type: 'NamesAccepted',
  status: 'True',
  reason: 'NoConflicts',
  message: 'no conflicts found',
};
const ESTABLISHED: Condition = {
  type: 'Established',
  status: 'True',
  reason: 'InitialNamesAccepted',
  message: 'the initial names have been accepted',
};
const TERMINATING: Condition = {
  type: 'Terminating',
  status: 'True',
  reason: 'InstanceDeletionInProgress',
  message: 'CustomResource deletion is in progress',
};

/**
 * `conditions` with `wanted` set; a condition whose status is unchanged keeps its
 * `lastTransitionTime`, so that a status that says the same thing is the same object.
 */
function withCondition(conditions: JsonObject[], wanted: Condition): JsonObject[] {
  const index = conditions.findIndex((condition) => condition.type === wanted.type);
  const previous = conditions[index];
  const lastTransitionTime =
    previous?.status === wanted.status && typeof previous.lastTransitionTime === 'string'
      ? previous.lastTransitionTime
      : timestamp();
  const { type, status, reason, message } = wanted;
  const condition = { lastTransitionTime, message, reason, status, type };
  if (index < 0) return [...conditions, condition];
  return conditions.map((existing, at) => (at === index ? condition : existing));
}

const conditionsOf = (crd: KubeObject): JsonObject[] => {
  const conditions = asJsonObject(crd.status).conditions;
  return Array.isArray(conditions) ? conditions.map(asJsonObject) : [];
};

/** The status of an established CRD: its names accepted, and the versions ever stored. */
function establishedStatus(crd: KubeObject): JsonObject {
  const status = asJsonObject(crd.status);
  const { plural, singular, kind, listKind, shortNames, categories } = crdNamesOf(crd);
  const versions = asJsonObject(crd.spec).versions;
  const storage = (Array.isArray(versions) ? versions.map(asJsonObject) : []).find(
    (version) => version.storage === true,
  )?.name;
  const stored = Array.isArray(status.storedVersions) ? status.storedVersions : [];
  const storedVersions = [...new Set([...stored, ...(storage === undefined ? [] : [storage])])];
  return {
    ...status,
    acceptedNames: {
      plural,
      singular,
      kind,
      listKind,
      ...(shortNames.length > 0 ? { shortNames } : {}),
      ...(categories.length > 0 ? { categories } : {}),
    },
    conditions: withCondition(withCondition(conditionsOf(crd), NAMES_ACCEPTED), ESTABLISHED),
    storedVersions,
  };
}

export class CrdController extends QueuedController {
  private readonly crds: ResourceType;
  /** The CRDs whose kinds are in the catalog. */
  private readonly served = new Set<string>();

  constructor(
    context: ControllerContext,
    private readonly catalog: ResourceCatalog,
  ) {
    super(context, 'customresourcedefinition');
    const crds = catalog.findKind('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
    if (!crds) throw new Error('the sandbox does not serve CustomResourceDefinitions');
    this.crds = crds;
  }

  /** Serves the stored CRDs at once, so that nothing started later finds their kinds missing. */
  override start(): this {
    for (const crd of this.storedCrds()) this.serve(crd);
    return super.start();
  }

  protected initialKeys(): string[] {
    return this.storedCrds().map((crd) => crd.metadata.name);
  }

  protected keysFor(event: StoredEvent): string[] {
    if (isAbout(event, this.crds)) return [event.object.metadata.name];
    // A custom resource's group resource is its CRD's name: the one a cleanup may wait for.
    return event.type === 'DELETED' && this.served.has(event.resource) ? [event.resource] : [];
  }

  protected sync(name: string): void {
    const { resources } = this.context;
    const crd = resources.find(this.crds, '', name);
    if (!crd) return this.stopServing(name);
    if (crd.metadata.deletionTimestamp) return this.cleanUp(crd);
    this.serve(crd);
    if (!this.served.has(name)) return;
    const status = establishedStatus(crd);
    if (isDeepStrictEqual(status, crd.status)) return;
    resources.update(this.crds, undefined, name, { ...crd, status }, { subresource: 'status' });
  }

  private storedCrds(): KubeObject[] {
    return this.context.store.list(groupResourceOf(this.crds));
  }

  private serve(crd: KubeObject): void {
    const name = crd.metadata.name;
    const types = customResourceTypes(crd);
    if (types.length === 0) return this.stopServing(name);
    // The catalog keeps unchanged kinds as they were, and so their compiled validators.
    this.catalog.setCustom(name, types);
    this.served.add(name);
  }

  private stopServing(name: string): void {
    this.catalog.setCustom(name, []);
    this.served.delete(name);
  }

  /** Deletes the CRD's custom resources; once none is left, stops serving and lets it go. */
  private cleanUp(crd: KubeObject): void {
    const { resources, store } = this.context;
    const name = crd.metadata.name;
    let current = crd;
    const conditions = conditionsOf(crd);
    if (!conditions.some((condition) => condition.type === TERMINATING.type)) {
      const status = {
        ...asJsonObject(crd.status),
        conditions: withCondition(conditions, TERMINATING),
      };
      const write = { subresource: 'status' } as const;
      current = resources.update(this.crds, undefined, name, { ...crd, status }, write);
    }
    const types = customResourceTypes(crd);
    const first = types[0];
    const remaining = first ? store.list(groupResourceOf(first)) : [];
    for (const object of remaining) {
      if (object.metadata.deletionTimestamp) continue;
      const type =
        types.find((candidate) => apiVersionOf(candidate) === object.apiVersion) ?? first!;
      resources.delete(type, object.metadata.namespace, object.metadata.name);
    }
    if (remaining.length > 0) return; // their DELETED events bring the CRD back here
    this.stopServing(name);
    const finalizers = current.metadata.finalizers?.filter((f) => f !== CRD_CLEANUP_FINALIZER);
    resources.update(this.crds, undefined, name, {
      ...current,
      metadata: { ...current.metadata, finalizers },
    });
  }
}
