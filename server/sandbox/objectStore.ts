/**
 * The sandbox's state: every object, kept in memory and written through to its own LMDB named
 * database, under one cluster-wide revision counter like etcd's. Each write bumps the counter,
 * stamps the object's `resourceVersion` with it and becomes a watch event; a bounded history of
 * recent events lets watches resume from an older `resourceVersion` until it is compacted away
 * (then clients get 410 Gone and relist, as with a real API server).
 *
 * Stored objects are never mutated: writers build a new object and hand it over. Readers may
 * therefore share them, and a watch event can serialize an object once for every watcher.
 */
import type { Database, Key } from 'lmdb';
import { observed } from '../store/commitFailures.js';
import type { KubeObject } from './kubeObject.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  type: WatchEventType;
  /** Group resource, e.g. `deployments.apps`. */
  resource: string;
  object: KubeObject;
  /** For `MODIFIED`, the object before: a filtered watch sees objects enter and leave it. */
  previous?: KubeObject;
  revision: number;
}

/** Objects under `[resource, namespace, name]`, plus the revision counter and credentials. */
export type SandboxDatabase = Database<unknown, Key>;

const REVISION_KEY = 'revision';
const DEFAULT_HISTORY_LIMIT = 20_000;

const objectKey = (resource: string, namespace: string, name: string): Key => [
  resource,
  namespace,
  name,
];

const mapKey = (namespace: string, name: string): string => `${namespace}/${name}`;

export class ObjectStore {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  /** Each resource's keys in order, kept until an object is added or removed. */
  private readonly sortedKeys = new Map<string, string[]>();
  private readonly history: StoredEvent[] = [];
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  private currentRevision = 0;
  /** Events at or below this revision are gone from the history. */
  private compactedRevision = 0;

  constructor(
    private readonly db: SandboxDatabase,
    private readonly onWriteError: (error: unknown) => void,
    private readonly historyLimit = DEFAULT_HISTORY_LIMIT,
  ) {
    for (const { key, value } of db.getRange({})) {
      if (key === REVISION_KEY) this.currentRevision = value as number;
      else if (Array.isArray(key)) {
        const [resource, namespace, name] = key as [string, string, string];
        this.bucket(resource).set(mapKey(namespace, name), value as KubeObject);
      }
    }
    // History does not survive a restart: watches from before it must relist.
    this.compactedRevision = this.currentRevision;
  }

  get revision(): number {
    return this.currentRevision;
  }

  get(resource: string, namespace: string, name: string): KubeObject | undefined {
    return this.objects.get(resource)?.get(mapKey(namespace, name));
  }

  /** The objects of one resource (in one namespace, or all), ordered by namespace and name. */
  list(resource: string, namespace?: string): KubeObject[] {
    const bucket = this.objects.get(resource);
    if (!bucket) return [];
    let keys = this.sortedKeys.get(resource);
    if (!keys) this.sortedKeys.set(resource, (keys = [...bucket.keys()].sort()));
    const objects: KubeObject[] = [];
    for (const key of keys) {
      const object = bucket.get(key)!;
      if (namespace === undefined || (object.metadata.namespace ?? '') === namespace) {
        objects.push(object);
      }
    }
    return objects;
  }

  /** Every stored object, with its resource. */
  *all(): Generator<[string, KubeObject]> {
    for (const [resource, bucket] of this.objects) {
      for (const object of bucket.values()) yield [resource, object];
    }
  }

  /** Every resource holding objects in `namespace`, with those objects. */
  *inNamespace(namespace: string): Generator<[string, KubeObject]> {
    for (const [resource, bucket] of this.objects) {
      for (const object of bucket.values()) {
        if (object.metadata.namespace === namespace) yield [resource, object];
      }
    }
  }

  /** Stores a created or replaced object; returns it stamped with its new `resourceVersion`. */
  put(resource: string, object: KubeObject): KubeObject {
    const { namespace = '', name } = object.metadata;
    const previous = this.objects.get(resource)?.get(mapKey(namespace, name));
    if (!previous) this.sortedKeys.delete(resource);
    const stored = this.stamp(object);
    this.bucket(resource).set(mapKey(namespace, name), stored);
    this.persist(this.db.put(objectKey(resource, namespace, name), stored));
    this.emit(
      previous
        ? { type: 'MODIFIED', resource, object: stored, previous }
        : { type: 'ADDED', resource, object: stored },
    );
    return stored;
  }

  /** Removes an object; the `DELETED` event carries it with a new `resourceVersion`. */
  remove(resource: string, object: KubeObject): KubeObject {
    const { namespace = '', name } = object.metadata;
    this.objects.get(resource)?.delete(mapKey(namespace, name));
    this.sortedKeys.delete(resource);
    const last = this.stamp(object);
    this.persist(this.db.remove(objectKey(resource, namespace, name)));
    this.emit({ type: 'DELETED', resource, object: last });
    return last;
  }

  /** Events after `revision`, or `undefined` when some of them have been compacted away. */
  eventsAfter(revision: number): StoredEvent[] | undefined {
    if (revision < this.compactedRevision) return undefined;
    // Revisions increase along the history: binary-search the first one after `revision`.
    let low = 0;
    let high = this.history.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.history[middle]!.revision > revision) high = middle;
      else low = middle + 1;
    }
    return this.history.slice(low);
  }

  /** The oldest revision a watch can still resume from. */
  get oldestResumable(): number {
    return this.compactedRevision;
  }

  /** Calls `listener` with every event from now on; returns the unsubscribe function. */
  subscribe(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every write so far is on disk. */
  flushed(): Promise<void> {
    return observed(
      new Promise((resolve, reject) => {
        this.db.flushed.then(() => resolve(), reject);
      }),
    );
  }

  private stamp(object: KubeObject): KubeObject {
    this.currentRevision += 1;
    this.persist(this.db.put(REVISION_KEY, this.currentRevision));
    return {
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(this.currentRevision) },
    };
  }

  private emit(event: Omit<StoredEvent, 'revision'>): void {
    const stored = { ...event, revision: this.currentRevision };
    this.history.push(stored);
    // Trim in steps of a quarter of the limit, not one event per write.
    if (this.history.length > this.historyLimit * 1.25) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedRevision = dropped.at(-1)!.revision;
    }
    for (const listener of this.listeners) listener(stored);
  }

  private bucket(resource: string): Map<string, KubeObject> {
    let bucket = this.objects.get(resource);
    if (!bucket) this.objects.set(resource, (bucket = new Map()));
    return bucket;
  }

  private persist(write: Promise<boolean>): void {
    observed(write).catch(this.onWriteError);
  }
}
