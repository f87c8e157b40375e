/**
 * Keeps a cluster room's document in step with the cluster: one client-node informer per
 * watched kind (list, then watch from its resourceVersion; a `410 Gone` relists), each change
 * summarised into `resources`, Events appended to `events` (the latest MAX_EVENTS). Changes are
 * written once per event-loop turn, so a burst (a rollout of a hundred pods) is one update.
 *
 * A watch that fails is started again after a backoff (1 s, doubling to 30 s); meanwhile the
 * room's status says `stale` with the error, and objects keep their last known state. A kind
 * the cluster does not serve is left out quietly.
 */
import {
  KubernetesObjectApi,
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import * as Y from 'yjs';
import {
  ClusterKey,
  MAX_EVENTS,
  type ClusterEvent,
  type LiveRelationship,
  type ResourceSummary,
  type ViewState,
} from '../../shared/cluster/clusterRoom.js';
import { HUB_ORIGIN } from '../hub/room.js';
import { clusterFailure } from '../kube/failure.js';
import { ClusterTopology } from './clusterTopology.js';
import { eventOf, summarize } from './summarize.js';
import { WATCHED_KINDS, type WatchedKind } from './watchedKinds.js';

/** One object a watch reported, for whoever follows a cluster's objects (drift). */
export interface ObjectChange {
  kind: WatchedKind;
  object: KubernetesObject;
  deleted: boolean;
}

const FIRST_RETRY_MS = 1_000;
const LAST_RETRY_MS = 30_000;

interface Watch {
  kind: WatchedKind;
  informer: Informer<KubernetesObject>;
  synced: boolean;
  error: string | null;
  retryMs: number;
  retry: ReturnType<typeof setTimeout> | null;
}

export class ClusterView {
  private readonly watches: Watch[] = [];
  private readonly pending = new Map<string, ResourceSummary | null>();
  private readonly newEvents = new Map<string, ClusterEvent>();
  private readonly topology = new ClusterTopology();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly config: KubeConfig,
    private readonly doc: Y.Doc,
    /** Told how many watches run, whenever that changes. */
    private readonly onWatchCount: (delta: number) => void,
    /** Told of every object added, changed or deleted (not Events), as the watch sent it. */
    private readonly onObject: (change: ObjectChange) => void = () => undefined,
  ) {}

  start(): void {
    this.setStatus('syncing');
    const objects = KubernetesObjectApi.makeApiClient(this.config);
    for (const kind of WATCHED_KINDS) {
      const informer = makeInformer(this.config, kind.path, async () => {
        const list = await objects.list(kind.apiVersion, kind.kind);
        // The informer adds the listed objects as soon as this resolves; then it is synced.
        setImmediate(() => this.listed(watch));
        return list;
      });
      const watch: Watch = {
        kind,
        informer,
        synced: false,
        error: null,
        retryMs: FIRST_RETRY_MS,
        retry: null,
      };
      const changed = (object: KubernetesObject) => this.changed(kind, object);
      informer.on('add', changed);
      informer.on('update', changed);
      informer.on('delete', (object) => this.deleted(kind, object));
      informer.on('connect', () => this.connected(watch));
      informer.on('error', (error: unknown) => this.failed(watch, error));
      this.watches.push(watch);
      this.onWatchCount(1);
      void informer.start().catch((error: unknown) => this.failed(watch, error));
    }
  }

  stop(): void {
    this.stopped = true;
    for (const watch of this.watches) {
      if (watch.retry) clearTimeout(watch.retry);
      void watch.informer.stop();
      this.onWatchCount(-1);
    }
    this.watches.length = 0;
  }

  private changed(kind: WatchedKind, object: KubernetesObject): void {
    if (kind.kind === 'Event') {
      const event = eventOf(object);
      this.newEvents.set(event.uid, event);
    } else {
      const summary = summarize(object, kind.apiVersion, kind.kind);
      this.pending.set(summary.uid, summary);
      this.topology.set(summary.uid, { ...object, apiVersion: kind.apiVersion, kind: kind.kind });
      this.onObject({ kind, object, deleted: false });
    }
    this.schedule();
  }

  private deleted(kind: WatchedKind, object: KubernetesObject): void {
    if (kind.kind === 'Event') return;
    const { uid } = summarize(object, kind.apiVersion, kind.kind);
    this.pending.set(uid, null);
    this.topology.delete(uid);
    this.onObject({ kind, object, deleted: true });
    this.schedule();
  }

  /** The watch (re)connects: a failure from before is over unless it happens again. */
  private connected(watch: Watch): void {
    watch.error = null;
    watch.retryMs = FIRST_RETRY_MS;
    this.schedule();
  }

  private listed(watch: Watch): void {
    watch.synced = true;
    this.schedule();
  }

  private failed(watch: Watch, error: unknown): void {
    if (this.stopped) return;
    const failure = clusterFailure(error);
    if (failure.code === 404) {
      // Not served by this cluster (an API group it lacks): nothing to watch.
      watch.synced = true;
      this.schedule();
      return;
    }
    watch.error = `${watch.kind.kind}: ${failure.message}`;
    if (!watch.retry) {
      watch.retry = setTimeout(() => {
        watch.retry = null;
        if (this.stopped) return;
        void watch.informer.start().catch((again: unknown) => this.failed(watch, again));
      }, watch.retryMs);
      watch.retryMs = Math.min(watch.retryMs * 2, LAST_RETRY_MS);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.stopped) this.write();
    });
  }

  private write(): void {
    const resources = this.doc.getMap<ResourceSummary>(ClusterKey.resources);
    const events = this.doc.getArray<ClusterEvent>(ClusterKey.events);
    const relationships = this.doc.getMap<LiveRelationship>(ClusterKey.relationships);
    const topologyChanges = this.topology.flush();
    this.doc.transact(() => {
      for (const [uid, summary] of this.pending) {
        if (summary) resources.set(uid, summary);
        else resources.delete(uid);
      }
      this.pending.clear();
      for (const [id, relationship] of topologyChanges) {
        if (relationship) relationships.set(id, relationship);
        else relationships.delete(id);
      }
      if (this.newEvents.size > 0) {
        // An Event seen again (its count went up) moves to the end; the oldest fall off. Only
        // what changed is sent, not the whole list.
        const held = events.toArray();
        for (let index = held.length - 1; index >= 0; index--) {
          if (this.newEvents.has(held[index]!.uid)) events.delete(index, 1);
        }
        events.push([...this.newEvents.values()]);
        if (events.length > MAX_EVENTS) events.delete(0, events.length - MAX_EVENTS);
        this.newEvents.clear();
      }
      const error = this.watches.find((watch) => watch.error)?.error;
      const state: ViewState = error
        ? 'stale'
        : this.watches.every((watch) => watch.synced)
          ? 'live'
          : 'syncing';
      this.setStatus(state, error ?? undefined);
    }, HUB_ORIGIN);
  }

  private setStatus(state: ViewState, error?: string): void {
    const status = this.doc.getMap<string>(ClusterKey.status);
    if (status.get('state') !== state) {
      status.set('state', state);
      status.set('since', new Date().toISOString());
    }
    if (error === undefined) {
      if (status.has('error')) status.delete('error');
    } else if (status.get('error') !== error) {
      status.set('error', error);
    }
  }
}
