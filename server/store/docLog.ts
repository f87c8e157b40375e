/**
 * Persistence of Yjs documents as an append-only log of updates plus a compacted snapshot.
 * Writes are asynchronous: lmdb-js batches every write of one event-loop turn into one
 * transaction, so a burst of updates costs one commit and one disk flush.
 */
import * as Y from 'yjs';
import { observed } from './commitFailures.js';
import type { Databases, UpdateKey } from './database.js';

/** What is on disk for one document. */
export interface StoredDoc {
  /** The snapshot (if any) followed by the log entries after it, in order. */
  parts: Uint8Array[];
  /** Sequence number of the last stored update (0 when none). */
  lastSeq: number;
  /** Sequence number the snapshot covers up to (0 when there is none). */
  snapshotSeq: number;
  /** The snapshot's state vector (null when there is no snapshot). */
  snapshotStateVector: Uint8Array | null;
  /** The snapshot's size in bytes (0 when there is none). */
  snapshotBytes: number;
  /** Log entries and bytes not yet merged into the snapshot. */
  logEntries: number;
  logBytes: number;
}

const LAST_SEQ = Number.MAX_SAFE_INTEGER;

const logRange = (docName: string, fromSeq: number, toSeq: number) => ({
  start: [docName, fromSeq] as UpdateKey,
  end: [docName, toSeq + 1] as UpdateKey,
});

/** A document's whole state and its state vector. */
export interface DocState {
  update: Uint8Array;
  stateVector: Uint8Array;
}

/**
 * The state vector of what is stored, without building the document: the snapshot's own, raised
 * by the end clocks of the (small) log entries after it. Throws if a part cannot be parsed.
 */
export function storedStateVector(stored: StoredDoc): Uint8Array {
  const snapshotVector = stored.snapshotStateVector;
  const clocks = snapshotVector ? Y.decodeStateVector(snapshotVector) : new Map<number, number>();
  for (const part of snapshotVector ? stored.parts.slice(1) : stored.parts) {
    for (const [client, clock] of Y.parseUpdateMeta(part).to) {
      clocks.set(client, Math.max(clock, clocks.get(client) ?? 0));
    }
  }
  return Y.encodeStateVector(clocks);
}

/**
 * Applies stored parts to `doc` in one transaction: one round of observers, not one per part.
 * Throws if a part cannot be applied.
 */
export function applyStoredDoc(doc: Y.Doc, parts: readonly Uint8Array[], origin: unknown): void {
  doc.transact(() => {
    for (const part of parts) Y.applyUpdate(doc, part);
  }, origin);
}

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

  /** Reads a document's snapshot and log. */
  load(docName: string): StoredDoc {
    const snapshot = this.db.snapshots.get(docName);
    const parts: Uint8Array[] = snapshot ? [snapshot.update] : [];
    const snapshotSeq = snapshot?.seq ?? 0;
    let lastSeq = snapshotSeq;
    let logBytes = 0;
    for (const { key, value } of this.db.updates.getRange(
      logRange(docName, lastSeq + 1, LAST_SEQ),
    )) {
      parts.push(value);
      logBytes += value.byteLength;
      lastSeq = key[1];
    }
    return {
      parts,
      lastSeq,
      snapshotSeq,
      snapshotStateVector: snapshot?.stateVector ?? null,
      snapshotBytes: snapshot?.update.byteLength ?? 0,
      logEntries: parts.length - (snapshot ? 1 : 0),
      logBytes,
    };
  }

  /** Queues one update for the next batched commit; resolves once committed. */
  append(docName: string, seq: number, update: Uint8Array): Promise<boolean> {
    const written = observed(this.db.updates.put([docName, seq], update));
    if (!this.probing) this.probeFlushLatency();
    return written;
  }

  /** Resolves once every write queued so far is committed and flushed to disk. */
  flushed(): Promise<void> {
    // `flushed` is a thenable that picks the batch to wait for when `then` is called, so call it
    // now rather than in a later microtask (which is what `Promise.resolve(thenable)` would do).
    return observed(
      new Promise((resolve, reject) => {
        this.db.root.flushed.then(() => resolve(), reject);
      }),
    );
  }

  /**
   * Replaces the snapshot with `state` (the document as of `throughSeq`) and deletes the log
   * entries from `fromSeq` to `throughSeq` that it covers. All of it is queued in one synchronous
   * step, and lmdb-js commits the writes of one event-loop turn in one transaction: a crash
   * leaves either the old snapshot and log or the new ones, never a mix. (A `transaction`
   * callback would do the same but hold LMDB's writer until the busy main thread runs it.)
   */
  compact(docName: string, fromSeq: number, throughSeq: number, state: DocState): Promise<boolean> {
    const written = observed(this.db.snapshots.put(docName, { seq: throughSeq, ...state }));
    for (let seq = fromSeq; seq <= throughSeq; seq++) void this.db.updates.remove([docName, seq]);
    return written;
  }

  /** Deletes a document's snapshot and whole log in one transaction. */
  remove(docName: string): Promise<void> {
    return observed(
      this.db.root.transaction(() => {
        this.db.snapshots.remove(docName);
        for (const key of this.db.updates.getKeys(logRange(docName, 0, LAST_SEQ))) {
          this.db.updates.remove(key);
        }
      }),
    );
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
}
