/**
 * The hub's metrics, created once per hub and handed to the parts that count things.
 * Names follow Prometheus conventions: `_total` counters, base units (seconds, bytes).
 */
import { Counter, Gauge, Histogram, LabeledCounter, Registry } from './registry.js';

export interface LiveCounts {
  openRooms(): number;
  connections(): number;
  clusterWatches(): number;
}

export type HubMetrics = ReturnType<typeof createHubMetrics>;

/** Why a message was dropped (ignored, connection kept) or rejected (connection closed). */
export type DropReason = 'read_only';
export type RejectReason =
  'malformed' | 'unknown_type' | 'unappliable_update' | 'too_large' | 'backpressure';

const FLUSH_BUCKETS_SECONDS = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function createHubMetrics(live: LiveCounts) {
  const registry = new Registry();
  return {
    registry,
    openRooms: registry.register(
      new Gauge('weft_rooms_open', 'Rooms loaded in memory.', live.openRooms),
    ),
    connections: registry.register(
      new Gauge('weft_connections', 'Open WebSocket connections.', live.connections),
    ),
    clusterWatches: registry.register(
      new Gauge(
        'weft_cluster_watches',
        'Kubernetes watches the live cluster views hold open, over every cluster.',
        live.clusterWatches,
      ),
    ),
    updatesReceived: registry.register(
      new Counter('weft_updates_received_total', 'Document updates received from clients.'),
    ),
    updatesBroadcast: registry.register(
      new Counter('weft_updates_broadcast_total', 'Document updates broadcast to a room.'),
    ),
    messagesSent: registry.register(
      new Counter('weft_messages_sent_total', 'WebSocket messages sent to clients.'),
    ),
    bytesReceived: registry.register(
      new Counter('weft_received_bytes_total', 'WebSocket payload bytes received.'),
    ),
    bytesSent: registry.register(
      new Counter('weft_sent_bytes_total', 'WebSocket payload bytes sent.'),
    ),
    dropped: registry.register(
      new LabeledCounter<DropReason>(
        'weft_messages_dropped_total',
        'Messages ignored without closing their connection, by reason.',
        'reason',
      ),
    ),
    rejected: registry.register(
      new LabeledCounter<RejectReason>(
        'weft_messages_rejected_total',
        'Messages or conditions that closed their connection, by reason.',
        'reason',
      ),
    ),
    persistFlushSeconds: registry.register(
      new Histogram(
        'weft_persist_flush_seconds',
        'Time from a write until LMDB reports it flushed to disk (sampled: one measurement at a time).',
        FLUSH_BUCKETS_SECONDS,
      ),
    ),
    persistErrors: registry.register(
      new Counter('weft_persist_errors_total', 'LMDB write or flush failures.'),
    ),
    compactions: registry.register(
      new Counter('weft_compactions_total', 'Document log compactions completed.'),
    ),
    roomLoadFailures: registry.register(
      new Counter('weft_room_load_failures_total', 'Rooms whose stored state could not be loaded.'),
    ),
  };
}
