/**
 * A live cluster: the room `clusters/<connectionId>` followed read-only with the stock
 * y-websocket provider. The hub writes every change of the cluster there; this turns the
 * document into plain state for the page, at most once per animation frame (a rollout of a
 * hundred pods arrives as a burst).
 */
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import {
  readClusterEvents,
  readClusterRelationships,
  readClusterResources,
  readViewState,
  type ClusterEvent,
  type LiveRelationship,
  type ResourceSummary,
  type ViewState,
} from '../../../shared/cluster/clusterRoom';
import { CloseCode, READONLY_PARAM } from '../../../shared/protocol';
import { clusterRoom } from '../../../shared/rooms';
import { hubSocketUrl } from '../editor/designSession.svelte';

export class ClusterSession {
  readonly doc = new Y.Doc();
  private readonly provider: WebsocketProvider;
  private frame = 0;

  resources = $state.raw<ResourceSummary[]>([]);
  relationships = $state.raw<Map<string, LiveRelationship>>(new Map());
  events = $state.raw<ClusterEvent[]>([]);
  /** `connecting` until the first sync; `gone` when the hub knows no such connection. */
  state = $state<ViewState | 'connecting' | 'gone'>('connecting');
  error = $state('');

  constructor(readonly connectionId: string) {
    this.provider = new WebsocketProvider(hubSocketUrl(), clusterRoom(connectionId), this.doc, {
      params: { [READONLY_PARAM]: '1' },
    });
    this.provider.on('sync', (synced: boolean) => synced && this.schedule());
    this.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event?.code === CloseCode.notFound) {
        this.state = 'gone';
        this.provider.shouldConnect = false;
      }
    });
    this.doc.on('update', () => this.schedule());
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.provider.destroy();
    this.doc.destroy();
  }

  private schedule(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.read());
  }

  private read(): void {
    this.frame = 0;
    this.resources = readClusterResources(this.doc);
    this.relationships = readClusterRelationships(this.doc);
    this.events = readClusterEvents(this.doc);
    const view = readViewState(this.doc);
    if (this.state !== 'gone') this.state = view.state ?? 'syncing';
    this.error = view.error ?? '';
  }
}
