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
import type { WriteBatch } from './writeBatch.js';

export interface WritePolicy {
  /** When waiting updates are written: shared by every document, so they share commits. */
  batch: WriteBatch;
  /** Compact when the log holds more entries than this… */
  compactEntries: number;
  /** …or more bytes than this. */
  compactBytes: number;
}

export interface DocWriterEvents {
  /** A write, flush or compaction failed; the writer has stopped writing. */
  failed(error: Error): void;
  compacted(): void;
}

export class DocWriter {
  private lastSeq: number;
  private snapshotSeq: number;
  private logEntries: number;
  private logBytes: number;
  private compaction: Promise<void> | null = null;
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
    const { compactEntries, compactBytes } = this.policy;
    const overLimit = this.logEntries > compactEntries || this.logBytes > compactBytes;
    if (overLimit && !this.compaction) void this.compact();
  };

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
    while (this.compaction) await this.compaction;
    // Waiting updates are in the snapshot; written now, they are also in the range it replaces.
    this.writeWaiting();
    if (this.closed || this.failure || this.logEntries === 0) return;
    const [fromSeq, throughSeq] = [this.snapshotSeq + 1, this.lastSeq];
    const [entries, bytes] = [this.logEntries, this.logBytes];
    this.compaction = this.log
      .compact(this.docName, fromSeq, throughSeq, this.snapshot())
      .then(
        () => {
          this.snapshotSeq = throughSeq;
          this.logEntries -= entries;
          this.logBytes -= bytes;
          this.events.compacted();
        },
        (error: unknown) => this.fail(error),
      )
      .finally(() => {
        this.compaction = null;
      });
    await this.compaction;
  }

  /** Stops all writing (the document is being deleted). */
  close(): void {
    this.closed = true;
    this.waiting = [];
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = error instanceof Error ? error : new Error(String(error));
    this.events.failed(this.failure);
  }
}
