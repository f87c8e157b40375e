/**
 * The verbs of the Kubernetes API on stored objects: get, list, create, update, patch, delete
 * and deletecollection, with the semantics clients rely on — optimistic concurrency on
 * `resourceVersion`, `generateName`, defaults, a separate `status` subresource, finalizers and
 * `dryRun`. It speaks in objects and `ApiError`s; HTTP is the caller's business.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  alreadyExists,
  ApiError,
  badRequest,
  conflict,
  invalid,
  notFound,
  STALE_OBJECT,
} from './apiStatus.js';
import { deletionFinalizersOf, initialStatusOf, kindProblems, withDefaults } from './kindRules.js';
import { asObject, isPlainObject, keyOf, timestamp, type KubeObject } from './kubeObject.js';
import {
  metadataForCreate,
  metadataForUpdate,
  metadataProblems,
  nameProblems,
} from './objectMeta.js';
import type { ObjectStore } from './objectStore.js';
import { apiVersionOf, groupResourceOf, type ResourceType } from './resourceTypes.js';
import type { FieldSelector, Selector } from './selectors.js';
import { applyConfiguration, applyConflictStatus, recordUpdate } from './serverSideApply.js';

export interface WriteOptions {
  /** `dryRun=All`: everything up to storing, which is skipped. */
  dryRun?: boolean;
  /**
   * Writes to the `status` subresource change only `status`; other writes never change it. A
   * `scale` write is recorded in `managedFields` under that subresource, as kube-apiserver does.
   */
  subresource?: 'status' | 'scale';
  /** Who is writing, for `managedFields`; the sandbox's own controllers when unset. */
  manager?: string;
  /** Set by apply, which has already worked out `managedFields`. */
  keepManagedFields?: boolean;
}

export interface ApplyOptions extends WriteOptions {
  manager: string;
  /** Take fields other managers own instead of failing with a conflict. */
  force?: boolean;
}

/** The manager the sandbox's own controllers write as. */
export const CONTROLLER_MANAGER = 'kube-controller-manager';

export interface ListOptions {
  labelSelector?: Selector;
  fieldSelector?: FieldSelector;
  limit?: number;
  /** The `namespace/name` key of the last object of the previous page. */
  after?: string;
}

export interface ListResult {
  items: KubeObject[];
  revision: number;
  /** The key to continue after, when `limit` cut the list short. */
  lastKey?: string;
  remainingItemCount?: number;
}

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult {
  object: KubeObject;
  /** False while finalizers hold the object back (it is only marked for deletion). */
  deleted: boolean;
}

/** Finalizers the sandbox's garbage collector handles for `Foreground` and `Orphan` deletes. */
export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

const NAMESPACES: Pick<ResourceType, 'group' | 'plural'> = { group: '', plural: 'namespaces' };

/** Everything but metadata and status: what `generation` counts changes of. */
const specOf = ({ metadata: _m, status: _s, ...rest }: KubeObject): Record<string, unknown> => rest;

export class ResourceService {
  constructor(private readonly store: ObjectStore) {}

  get(type: ResourceType, namespace: string, name: string): KubeObject {
    const object = this.find(type, namespace, name);
    if (!object) throw notFound(type, name);
    return object;
  }

  find(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    return this.store.get(groupResourceOf(type), namespace, name);
  }

  list(type: ResourceType, namespace: string | undefined, options: ListOptions = {}): ListResult {
    const all = this.store.list(groupResourceOf(type), namespace);
    const start = options.after === undefined ? 0 : firstAfter(all, options.after);
    const matching: KubeObject[] = [];
    let index = start;
    for (; index < all.length; index++) {
      const object = all[index]!;
      if (options.labelSelector && !options.labelSelector.matches(object.metadata.labels)) continue;
      if (options.fieldSelector && !options.fieldSelector.matches(object)) continue;
      if (options.limit !== undefined && matching.length === options.limit) break;
      matching.push(object);
    }
    const result: ListResult = { items: matching, revision: this.store.revision };
    if (index < all.length && matching.length > 0) {
      result.lastKey = keyOf(matching.at(-1)!);
      // Like kube-apiserver, a count only when no selector makes it a guess.
      if (!options.labelSelector && !options.fieldSelector) {
        result.remainingItemCount = all.length - index;
      }
    }
    return result;
  }

  create(
    type: ResourceType,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    const incoming = this.decode(type, namespace, body);
    if (incoming.metadata.resourceVersion) {
      throw new ApiError(
        500,
        'InternalError',
        'resourceVersion should not be set on objects to be created',
      );
    }
    const problems = metadataProblems(incoming.metadata);
    if (problems.length > 0) throw invalid(type, incoming.metadata.name ?? '', problems);
    const metadata = metadataForCreate(incoming.metadata);
    if (!('spec' in incoming)) delete metadata.generation;
    this.checkName(type, metadata.name);
    if (namespace !== undefined) this.checkNamespaceAcceptsContent(type, namespace, metadata.name);

    const status = initialStatusOf(type);
    // With a status subresource a create cannot set status (a custom resource then has none).
    const { status: _sent, ...withoutStatus } = incoming;
    const object = withDefaults(type, {
      ...(type.subresources.includes('status') ? withoutStatus : incoming),
      metadata,
      ...(status ? { status } : {}),
    });
    this.validate(type, object);
    if (this.store.get(groupResourceOf(type), namespace ?? '', metadata.name)) {
      throw alreadyExists(type, metadata.name);
    }
    const tracked = withManagedFields(type, undefined, object, options);
    return options.dryRun ? tracked : this.store.put(groupResourceOf(type), tracked);
  }

  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    const stored = this.get(type, namespace ?? '', name);
    const incoming = this.decode(type, namespace, body);
    if (incoming.metadata.name && incoming.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const expected = incoming.metadata.resourceVersion;
    if (expected && expected !== stored.metadata.resourceVersion) {
      throw conflict(type, name, STALE_OBJECT);
    }
    const problems = metadataProblems({ ...incoming.metadata, name });
    if (problems.length > 0) throw invalid(type, name, problems);

    const merged = this.mergeSubresource(type, stored, incoming, options.subresource);
    const specChanged = !isDeepStrictEqual(specOf(stored), specOf(merged));
    const metadata = metadataForUpdate(stored, merged.metadata, specChanged);
    if (stored.metadata.generation === undefined) delete metadata.generation;
    const object = withManagedFields(
      type,
      stored,
      withDefaults(type, { ...merged, metadata }),
      options,
    );
    this.validate(type, object);
    // kube-apiserver writes nothing for an update that changes nothing: no new
    // resourceVersion, no watch event (so re-applying an unchanged object is free).
    if (sameContent(stored, object)) return stored;
    if (options.dryRun) return object;
    const held = object.metadata.finalizers?.length || namespaceFinalizers(object).length;
    if (object.metadata.deletionTimestamp && !held) {
      // The last finalizer is gone: the deletion it held back completes now.
      return this.store.remove(groupResourceOf(type), object);
    }
    return this.store.put(groupResourceOf(type), object);
  }

  /** Reads the object, lets `patch` compute its new content, and stores that as an update. */
  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patch: (current: KubeObject) => unknown,
    options: WriteOptions = {},
  ): KubeObject {
    const stored = this.get(type, namespace ?? '', name);
    const patched = patch(stored);
    if (!isPlainObject(patched)) throw badRequest('the patch did not produce an object');
    return this.update(type, namespace, name, patched, options);
  }

  /**
   * Server-side apply: merges `body` (an apply configuration) into the stored object, or creates
   * it, refusing with a 409 to change fields other managers own unless `force`.
   */
  apply(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: ApplyOptions,
  ): { object: KubeObject; created: boolean } {
    const applied = this.decode(type, namespace, body);
    if (!isPlainObject(body) || !body.apiVersion || !body.kind) {
      throw badRequest('apply configurations must set apiVersion and kind');
    }
    if (applied.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    if (applied.metadata.managedFields !== undefined) {
      throw badRequest('metadata.managedFields must be nil in an apply configuration');
    }
    const live = this.find(type, namespace ?? '', name);
    const { status: _ignored, ...withoutStatus } = applied;
    const configuration =
      options.subresource === 'status' || !type.subresources.includes('status')
        ? applied
        : withoutStatus;
    const result = applyConfiguration({
      live,
      applied: configuration as KubeObject,
      manager: options.manager,
      force: options.force ?? false,
      apiVersion: apiVersionOf(type),
      ...(options.subresource ? { subresource: options.subresource } : {}),
    });
    if (!result.object) {
      const { message, causes } = applyConflictStatus(result.conflicts);
      // kube-apiserver's apply conflicts name no object in their details, only the causes.
      throw new ApiError(409, 'Conflict', message, { causes });
    }
    const write = { ...options, keepManagedFields: true };
    if (!live) return { object: this.create(type, namespace, result.object, write), created: true };
    return { object: this.update(type, namespace, name, result.object, write), created: false };
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): DeleteResult {
    const stored = this.get(type, namespace ?? '', name);
    const { uid, resourceVersion } = options.preconditions ?? {};
    if (uid && uid !== stored.metadata.uid) {
      throw conflict(
        type,
        name,
        `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${stored.metadata.uid}`,
      );
    }
    if (resourceVersion && resourceVersion !== stored.metadata.resourceVersion) {
      throw conflict(
        type,
        name,
        `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${stored.metadata.resourceVersion}`,
      );
    }
    const finalizers = [...(stored.metadata.finalizers ?? []), ...deletionFinalizersOf(type)];
    if (options.propagationPolicy === 'Foreground') finalizers.push(FOREGROUND_FINALIZER);
    if (options.propagationPolicy === 'Orphan') finalizers.push(ORPHAN_FINALIZER);

    if (finalizers.length === 0 && namespaceFinalizers(stored).length === 0) {
      return {
        deleted: true,
        object: options.dryRun ? stored : this.store.remove(groupResourceOf(type), stored),
      };
    }
    if (stored.metadata.deletionTimestamp) return { deleted: false, object: stored };
    const marked: KubeObject = {
      ...stored,
      metadata: {
        ...stored.metadata,
        deletionTimestamp: timestamp(),
        deletionGracePeriodSeconds: 0,
        ...(finalizers.length > 0 ? { finalizers: [...new Set(finalizers)] } : {}),
      },
      ...(type.kind === 'Namespace'
        ? { status: { ...(stored.status as object), phase: 'Terminating' } }
        : {}),
    };
    return {
      deleted: false,
      object: options.dryRun ? marked : this.store.put(groupResourceOf(type), marked),
    };
  }

  deleteCollection(
    type: ResourceType,
    namespace: string | undefined,
    listOptions: ListOptions,
    options: DeleteOptions = {},
  ): KubeObject[] {
    return this.list(type, namespace, listOptions).items.map(
      (object) =>
        this.delete(type, object.metadata.namespace, object.metadata.name, options).object,
    );
  }

  /** The request body as an object of `type` in `namespace`, or a 400 saying why not. */
  private decode(type: ResourceType, namespace: string | undefined, body: unknown): KubeObject {
    if (!isPlainObject(body)) throw badRequest('the request body must be a JSON or YAML object');
    const apiVersion = body.apiVersion ?? apiVersionOf(type);
    const kind = body.kind ?? type.kind;
    if (apiVersion !== apiVersionOf(type) || kind !== type.kind) {
      throw badRequest(
        `${String(kind)} in version ${JSON.stringify(apiVersion)} cannot be handled as a ${type.kind}: the request is for ${apiVersionOf(type)} ${type.kind}`,
      );
    }
    const metadata = body.metadata ?? {};
    if (!isPlainObject(metadata)) throw badRequest('metadata must be an object');
    if (namespace !== undefined && metadata.namespace && metadata.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    return {
      ...body,
      apiVersion: apiVersionOf(type),
      kind: type.kind,
      metadata: {
        ...metadata,
        name: typeof metadata.name === 'string' ? metadata.name : '',
        ...(type.namespaced ? { namespace } : {}),
      },
    } as KubeObject;
  }

  /** With a `status` subresource, each endpoint changes only its own half of the object. */
  private mergeSubresource(
    type: ResourceType,
    stored: KubeObject,
    incoming: KubeObject,
    subresource: WriteOptions['subresource'],
  ): KubeObject {
    if (!type.subresources.includes('status')) return incoming;
    if (subresource === 'status') {
      return { ...stored, metadata: incoming.metadata, status: incoming.status };
    }
    const { status: _ignored, ...rest } = incoming;
    return { ...rest, ...(stored.status !== undefined ? { status: stored.status } : {}) };
  }

  private checkName(type: ResourceType, name: string): void {
    const problems = nameProblems(type, name);
    if (problems.length > 0) throw invalid(type, name, problems);
  }

  private checkNamespaceAcceptsContent(type: ResourceType, namespace: string, name: string): void {
    const found = this.store.get(groupResourceOf(NAMESPACES), '', namespace);
    if (!found) throw notFound(NAMESPACES, namespace);
    if (found.metadata.deletionTimestamp) {
      throw new ApiError(
        403,
        'Forbidden',
        `${groupResourceOf(type)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        { name, kind: type.plural, ...(type.group ? { group: type.group } : {}) },
      );
    }
  }

  private validate(type: ResourceType, object: KubeObject): void {
    const problems = kindProblems(type, object, (resource) => this.store.list(resource));
    if (problems.length > 0) throw invalid(type, object.metadata.name, problems);
  }
}

/** Whether two versions of an object hold the same content, managedFields' timestamps aside. */
function sameContent(a: KubeObject, b: KubeObject): boolean {
  const comparable = (object: KubeObject) => ({
    ...object,
    metadata: {
      ...object.metadata,
      resourceVersion: undefined,
      managedFields: (object.metadata.managedFields as Record<string, unknown>[] | undefined)?.map(
        ({ time: _time, ...entry }) => entry,
      ),
    },
  });
  return isDeepStrictEqual(comparable(a), comparable(b));
}

/** `object` with `managedFields` updated for a write that is not an apply. */
function withManagedFields(
  type: ResourceType,
  before: KubeObject | undefined,
  object: KubeObject,
  options: WriteOptions,
): KubeObject {
  if (options.keepManagedFields) return object;
  const managedFields = recordUpdate({
    before,
    after: object,
    manager: options.manager ?? CONTROLLER_MANAGER,
    apiVersion: apiVersionOf(type),
    ...(options.subresource ? { subresource: options.subresource } : {}),
  });
  const { managedFields: _previous, ...metadata } = object.metadata;
  return {
    ...object,
    metadata: managedFields.length > 0 ? { ...metadata, managedFields } : metadata,
  };
}

/** The index of the first object whose key sorts after `key`. */
function firstAfter(objects: KubeObject[], key: string): number {
  const index = objects.findIndex((object) => keyOf(object) > key);
  return index < 0 ? objects.length : index;
}

/**
 * A namespace's `spec.finalizers` (`kubernetes`) hold its deletion back until the namespace
 * controller has deleted its contents; other kinds have none.
 */
function namespaceFinalizers(object: KubeObject): unknown[] {
  if (object.kind !== 'Namespace' || object.apiVersion !== 'v1') return [];
  const spec = asObject(object.spec);
  return Array.isArray(spec.finalizers) ? spec.finalizers : [];
}
