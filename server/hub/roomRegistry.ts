/**
 * Loads rooms on first use and unloads them after the last user leaves. A room is built from
 * what is on disk before anyone can touch it; if that fails, no room exists and nothing is
 * written, so an empty document can never replace stored data. Unloading waits for the room's
 * writes to be flushed and compacts its log; a connection arriving meanwhile waits for that to
 * finish and then gets a freshly loaded room.
 */
import * as Y from 'yjs';
import { shuttingDown } from '../errors.js';
import type { HubMetrics } from '../metrics/hubMetrics.js';
import type { DocLog } from '../store/docLog.js';
import { DocWriter, type WritePolicy } from '../store/docWriter.js';
import type { Logger } from '../log.js';
import { LOAD_ORIGIN, Room, RoomLoadError } from './room.js';

export interface RoomSpec {
  name: string;
  /** Whether the document is stored in LMDB (designs and their derived rooms) or in memory only. */
  persistent: boolean;
}

export interface RoomRegistryOptions {
  /** How long an unused room stays loaded. */
  graceMs: number;
  /** When updates are written and when logs are compacted. */
  writes: WritePolicy;
  /**
   * Asked once per loaded room for what to call on every change to its stored document, e.g.
   * to keep `updatedAt` current (changes come by the thousand per second: decide once).
   */
  editListener?: (roomName: string) => (() => void) | undefined;
  /**
   * Told of every room once it is loaded, e.g. to run inference on a design or watch a
   * cluster; what it returns is called when the room goes (unloaded or evicted), before
   * anything else.
   */
  attach?: (room: Room) => (() => void) | undefined;
}

interface Entry {
  room: Room;
  /** REST calls using the room right now; it is not unloaded while any run. */
  holds: number;
  unloadTimer: NodeJS.Timeout | null;
  /** Set while unloading; resolves once the room is gone. */
  unloading: Promise<void> | null;
  /** Undoes `attach`. */
  detach: (() => void) | undefined;
}

export class RoomRegistry {
  private readonly entries = new Map<string, Entry>();
  /** Set by `closeAll`: from then on no room is loaded, so nothing is written after shutdown. */
  private closing = false;

  constructor(
    private readonly log: DocLog,
    private readonly metrics: HubMetrics,
    private readonly logger: Logger,
    private readonly options: RoomRegistryOptions,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Sum of connections over all rooms. */
  connectionCount(): number {
    let count = 0;
    for (const entry of this.entries.values()) count += entry.room.connectionCount;
    return count;
  }

  /** The loaded room of that name, if any (a room being unloaded counts as not loaded). */
  loaded(name: string): Room | undefined {
    const entry = this.entries.get(name);
    return entry && !entry.unloading ? entry.room : undefined;
  }

  /**
   * Returns the room, loading it if needed. The caller must `release` it when done (after its
   * connection closed, or after a REST call). Throws RoomLoadError when stored data is unreadable,
   * and a 503 HubError once the hub is shutting down.
   */
  async acquire(spec: RoomSpec): Promise<Room> {
    let entry = this.entries.get(spec.name);
    while (entry?.unloading) {
      await entry.unloading;
      entry = this.entries.get(spec.name);
    }
    if (this.closing) throw shuttingDown();
    if (!entry) {
      const room = this.load(spec);
      entry = { room, holds: 0, unloadTimer: null, unloading: null, detach: undefined };
      this.entries.set(spec.name, entry);
      entry.detach = this.options.attach?.(room);
    }
    entry.holds += 1;
    if (entry.unloadTimer) clearTimeout(entry.unloadTimer);
    entry.unloadTimer = null;
    return entry.room;
  }

  /** Ends one use of a room; an unused room is unloaded after the grace period. */
  release(room: Room): void {
    const entry = this.entries.get(room.name);
    if (!entry || entry.room !== room) return;
    entry.holds -= 1;
    if (entry.holds > 0 || entry.unloading) return;
    entry.unloadTimer = setTimeout(() => void this.unload(entry), this.options.graceMs);
  }

  /** Runs `use` with the room loaded, for REST edits and reads. */
  async with<T>(spec: RoomSpec, use: (room: Room) => T | Promise<T>): Promise<T> {
    const room = await this.acquire(spec);
    try {
      return await use(room);
    } finally {
      this.release(room);
    }
  }

  /**
   * Closes a room's connections and drops it without writing anything more (the document is
   * being deleted). Resolves once no write for it can still be queued.
   */
  async evict(name: string, code: number, reason: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) return;
    entry.detach?.();
    entry.detach = undefined;
    entry.room.writer?.close();
    entry.room.closeAll(code, reason);
    if (entry.unloading) return entry.unloading;
    if (entry.unloadTimer) clearTimeout(entry.unloadTimer);
    this.entries.delete(name);
    entry.room.destroy();
  }

  /** Shutdown: closes every connection, then flushes and compacts every room. */
  async closeAll(code: number, reason: string): Promise<void> {
    this.closing = true;
    for (const entry of this.entries.values()) entry.room.closeAll(code, reason);
    await Promise.all([...this.entries.values()].map((entry) => this.unload(entry)));
  }

  /**
   * Reads the room's stored state; the document itself is built from it lazily (see Room).
   * Throws RoomLoadError when LMDB cannot be read.
   */
  private load(spec: RoomSpec): Room {
    const doc = new Y.Doc();
    if (!spec.persistent) return new Room(spec.name, doc, null, null, this.metrics);
    let stored;
    try {
      stored = this.log.load(spec.name);
    } catch (error) {
      doc.destroy();
      this.metrics.roomLoadFailures.inc();
      this.logger.error(`loading ${spec.name} failed`, error);
      throw new RoomLoadError(spec.name, error);
    }
    const onEdit = this.options.editListener?.(spec.name);
    if (onEdit) {
      doc.on('update', (_update: Uint8Array, origin: unknown) => {
        if (origin !== LOAD_ORIGIN) onEdit();
      });
    }
    const events = {
      failed: (error: Error) => {
        this.metrics.persistErrors.inc();
        this.logger.error(`persisting ${spec.name} failed; it is no longer acknowledged`, error);
      },
      compacted: () => this.metrics.compactions.inc(),
    };
    // Taken from the built document: `room.doc` builds it first if needed.
    const snapshot = () => ({
      update: Y.encodeStateAsUpdate(room.doc),
      stateVector: Y.encodeStateVector(room.doc),
    });
    const policy = this.options.writes;
    const writer = new DocWriter(this.log, spec.name, stored, policy, events, snapshot);
    const room: Room = new Room(spec.name, doc, stored, writer, this.metrics);
    return room;
  }

  private unload(entry: Entry): Promise<void> {
    if (entry.unloading) return entry.unloading;
    if (entry.unloadTimer) clearTimeout(entry.unloadTimer);
    entry.unloadTimer = null;
    entry.unloading = (async () => {
      const { room } = entry;
      entry.detach?.();
      entry.detach = undefined;
      try {
        room.flushPendingUpdates();
        await room.writer?.flushed();
        await room.writer?.compact();
      } catch (error) {
        this.logger.error(`flushing ${room.name} before unloading failed`, error);
      } finally {
        this.entries.delete(room.name);
        room.destroy();
      }
    })();
    return entry.unloading;
  }
}
