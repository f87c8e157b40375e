/**
 * Write-behind for one loaded document: numbers its updates, hands them to the log, compacts the
 * log when it grows, and stops writing at the first failure so that what is on disk always stays
 * a gap-free prefix of the document's history.
 *
 * Updates wait up to the batch's delay before they are written, so that a trickle of edits shares one
 * LMDB commit: each commit costs about half a millisecond of CPU however little it writes, which
 * at a few dozen edits a second is more than relaying them to every client. Anyone who needs an
 * update on disk asks `flushed()`, which writes at once: acknowledgements, unloading, shutdown.
 */
import type { DocLog, DocState, StoredDoc } from './docLog.js';
import type { CompactionQueue } from './compactionQueue.js';
import type { WriteBatch } from './writeBatch.js';

/**
 * When to compact: once the log holds more entries or bytes than the limits, and has grown at
 * least as large as the snapshot. Compacting encodes the whole document, so the second condition
 * spreads that cost over as many bytes of new writes as the document holds, however large it
 * grows; it also bounds loading after a crash to the snapshot plus a log no larger than it.
 *
 * Encoding stalls the main thread (about 400 ms for 10,000 components), so a log past its limits
 * waits for the document to go quiet before it is compacted: the stall then lands between
 * bursts of editing, not in the middle of one (as right after an import, when the log is
 * largest). A log that keeps growing is compacted anyway once it reaches URGENT_FACTOR times
 * the limits.
 */
export interface WritePolicy {
  /** When waiting updates are written: shared by every document, so they share commits. */
  batch: WriteBatch;
  /** Compact when the log holds more entries than this… */
  compactEntries: number;
  /** …or more bytes than this. */
  compactBytes: number;
  /** How long the document must go without updates before a log past the limits is compacted. */
  compactQuietMs: number;
  /** Shared by every document, so that compactions never pile up in one turn. */
  compactions: CompactionQueue;
}

/** How far past its limits a log may grow while its document is still being edited. */
export const URGENT_FACTOR = 4;

export interface DocWriterEvents {
  /** A write, flush or compaction failed; the writer has stopped writing. */
  failed(error: Error): void;
  compacted(): void;
}

export class DocWriter {
  private lastSeq: number;
  private snapshotSeq: number;
  private snapshotBytes: number;
  private logEntries: number;
  private logBytes: number;
  private compaction: Promise<void> | null = null;
  /** When the last update arrived (`performance.now()`), and the timer waiting for quiet. */
  private lastUpdateAt = 0;
  private quietTimer: ReturnType<typeof setTimeout> | null = null;
  /** Appended but not yet handed to the log. */
  private waiting: Uint8Array[] = [];
  private failure: Error | null = null;
  private closed = false;

  /**
   * @param snapshot the document's current state (`Y.encodeStateAsUpdate` of the loaded doc,
   *   with its state vector):
   *   it holds exactly what was appended so far, already garbage-collected, and is far cheaper
   *   to produce than merging a long log into a large snapshot.
   */
  constructor(
    private readonly log: DocLog,
    readonly docName: string,
    stored: StoredDoc,
    private readonly policy: WritePolicy,
    private readonly events: DocWriterEvents,
    private readonly snapshot: () => DocState,
  ) {
    this.lastSeq = stored.lastSeq;
    this.snapshotSeq = stored.snapshotSeq;
    this.snapshotBytes = stored.snapshotBytes;
    this.logEntries = stored.logEntries;
    this.logBytes = stored.logBytes;
  }

  /** The first write error, if any; once set, nothing more is written or acknowledged. */
  get error(): Error | null {
    return this.failure;
  }

  /** Queues an update; it is written within the batch delay, or at once if `flushed()` is awaited. */
  append(update: Uint8Array): void {
    if (this.closed || this.failure) return;
    this.lastUpdateAt = performance.now();
    this.waiting.push(update);
    if (this.waiting.length === 1) this.policy.batch.schedule(this.writeWaiting);
  }

  /** Hands every waiting update to the log: all in this turn, so all in one LMDB commit. */
  private readonly writeWaiting = (): void => {
    const updates = this.waiting;
    if (updates.length === 0) return;
    this.waiting = [];
    for (const update of updates) {
      if (this.closed || this.failure) return;
      this.lastSeq += 1;
      this.logEntries += 1;
      this.logBytes += update.byteLength;
      try {
        this.log
          .append(this.docName, this.lastSeq, update)
          .catch((error: unknown) => this.fail(error));
      } catch (error) {
        // lmdb-js throws synchronously once the environment is closed or unusable.
        return this.fail(error);
      }
    }
    this.considerCompacting();
  };

  private considerCompacting(): void {
    if (this.compaction || this.logBytes < this.snapshotBytes) return;
    const { compactEntries, compactBytes } = this.policy;
    const over = Math.max(this.logEntries / compactEntries, this.logBytes / compactBytes);
    if (over > URGENT_FACTOR) void this.compact();
    else if (over > 1) this.compactWhenQuiet();
  }

  private compactWhenQuiet(): void {
    if (this.quietTimer) return;
    const quietFor = performance.now() - this.lastUpdateAt;
    const wait = Math.max(0, this.policy.compactQuietMs - quietFor);
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      if (this.closed || this.failure || this.compaction) return;
      if (performance.now() - this.lastUpdateAt >= this.policy.compactQuietMs) void this.compact();
      else this.compactWhenQuiet();
    }, wait);
    // Housekeeping: never what keeps a process alive.
    this.quietTimer.unref();
  }

  private stopWaitingForQuiet(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = null;
  }

  /** Resolves once everything appended so far is on disk; rejects if any write failed. */
  async flushed(): Promise<void> {
    this.writeWaiting();
    if (this.failure) throw this.failure;
    await this.log.flushed().catch((error: unknown) => this.fail(error));
    if (this.failure) throw this.failure;
  }

  /**
   * Replaces the snapshot with the current state and drops the log it covers. Safe to call at
   * any time: a running compaction is awaited first, so calling this on unload always leaves an
   * empty log behind.
   */
  async compact(): Promise<void> {
    this.stopWaitingForQuiet();
    while (this.compaction) await this.compaction;
    this.compaction = this.policy.compactions.run(this.compactNow).finally(() => {
      this.compaction = null;
    });
    await this.compaction;
  }

  private readonly compactNow = async (): Promise<void> => {
    // Waiting updates are in the snapshot; written now, they are also in the range it replaces.
    this.writeWaiting();
    if (this.closed || this.failure || this.logEntries === 0) return;
    const [fromSeq, throughSeq] = [this.snapshotSeq + 1, this.lastSeq];
    const [entries, bytes] = [this.logEntries, this.logBytes];
    const state = this.snapshot();
    try {
      await this.log.compact(this.docName, fromSeq, throughSeq, state);
    } catch (error) {
      return this.fail(error);
    }
    this.snapshotSeq = throughSeq;
    this.snapshotBytes = state.update.byteLength;
    this.logEntries -= entries;
    this.logBytes -= bytes;
    this.events.compacted();
  };

  /** Stops all writing (the document is being deleted). */
  close(): void {
    this.closed = true;
    this.waiting = [];
    this.stopWaitingForQuiet();
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = error instanceof Error ? error : new Error(String(error));
    this.events.failed(this.failure);
  }
}
