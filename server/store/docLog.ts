/**
 * Persistence of Yjs documents as an append-only log of updates plus a compacted snapshot.
 * Writes are asynchronous: lmdb-js batches every write of one event-loop turn into one
 * transaction, so a burst of updates costs one commit and one disk flush.
 */
import * as Y from 'yjs';
import type { Databases, UpdateKey } from './database.js';

/** What is on disk for one document, merged into a single update. */
export interface StoredDoc {
  /** The merged state, or null for a document with no stored history. */
  state: Uint8Array | null;
  /** Sequence number of the last stored update (0 when none). */
  lastSeq: number;
  /** Log entries and bytes not yet merged into the snapshot. */
  logEntries: number;
  logBytes: number;
}

export interface CompactionResult {
  mergedEntries: number;
  mergedBytes: number;
}

const LAST_SEQ = Number.MAX_SAFE_INTEGER;

const logRange = (docName: string, fromSeq: number, toSeq: number) => ({
  start: [docName, fromSeq] as UpdateKey,
  end: [docName, toSeq + 1] as UpdateKey,
});

export class DocLog {
  private probing = false;

  /**
   * @param onFlushLatency told how long writes took to reach the disk, sampled: one measurement
   *   is in flight at a time, so measuring never adds a flush wait per write.
   */
  constructor(
    private readonly db: Databases,
    private readonly onFlushLatency: (seconds: number) => void = () => undefined,
  ) {}

  /** Reads and merges a document's snapshot and log. Throws when stored data cannot be read. */
  load(docName: string): StoredDoc {
    const snapshot = this.db.snapshots.get(docName);
    const parts: Uint8Array[] = snapshot ? [snapshot.update] : [];
    let lastSeq = snapshot?.seq ?? 0;
    let logBytes = 0;
    for (const { key, value } of this.db.updates.getRange(
      logRange(docName, lastSeq + 1, LAST_SEQ),
    )) {
      parts.push(value);
      logBytes += value.byteLength;
      lastSeq = key[1];
    }
    const state =
      parts.length === 0 ? null : parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
    return { state, lastSeq, logEntries: parts.length - (snapshot ? 1 : 0), logBytes };
  }

  /** Queues one update for the next batched commit; resolves once committed. */
  append(docName: string, seq: number, update: Uint8Array): Promise<boolean> {
    const written = this.db.updates.put([docName, seq], update);
    if (!this.probing) this.probeFlushLatency();
    return written;
  }

  /** Resolves once every write queued so far is committed and flushed to disk. */
  flushed(): Promise<void> {
    // `flushed` is a thenable that picks the batch to wait for when `then` is called, so call it
    // now rather than in a later microtask (which is what `Promise.resolve(thenable)` would do).
    return new Promise((resolve, reject) => {
      this.db.root.flushed.then(() => resolve(), reject);
    });
  }

  private probeFlushLatency(): void {
    this.probing = true;
    const started = performance.now();
    const done = () => {
      this.probing = false;
      this.onFlushLatency((performance.now() - started) / 1000);
    };
    this.flushed().then(done, done);
  }

  /**
   * Merges the log up to `throughSeq` into the snapshot and deletes those entries, in one
   * transaction: a crash leaves either the old snapshot and log or the new ones, never a mix.
   * The callback runs after every write queued before it, so those entries are visible to it.
   */
  compact(docName: string, throughSeq: number): Promise<CompactionResult> {
    return this.db.root.transaction(() => {
      const snapshot = this.db.snapshots.get(docName);
      const fromSeq = (snapshot?.seq ?? 0) + 1;
      const keys: UpdateKey[] = [];
      const parts: Uint8Array[] = snapshot ? [snapshot.update] : [];
      let mergedBytes = 0;
      for (const { key, value } of this.db.updates.getRange(
        logRange(docName, fromSeq, throughSeq),
      )) {
        keys.push(key);
        parts.push(value);
        mergedBytes += value.byteLength;
      }
      if (keys.length === 0) return { mergedEntries: 0, mergedBytes: 0 };
      const update = Y.mergeUpdates(parts);
      this.db.snapshots.put(docName, { seq: keys[keys.length - 1]![1], update });
      for (const key of keys) this.db.updates.remove(key);
      return { mergedEntries: keys.length, mergedBytes };
    });
  }

  /** Deletes a document's snapshot and whole log in one transaction. */
  remove(docName: string): Promise<void> {
    return this.db.root.transaction(() => {
      this.db.snapshots.remove(docName);
      for (const key of this.db.updates.getKeys(logRange(docName, 0, LAST_SEQ))) {
        this.db.updates.remove(key);
      }
    });
  }
}
