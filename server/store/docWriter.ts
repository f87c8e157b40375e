/**
 * Write-behind for one loaded document: numbers its updates, hands them to the log, compacts the
 * log when it grows, and stops writing at the first failure so that what is on disk always stays
 * a gap-free prefix of the document's history.
 */
import type { DocLog, DocState, StoredDoc } from './docLog.js';

export interface CompactionLimits {
  /** Compact when the log holds more entries than this… */
  entries: number;
  /** …or more bytes than this. */
  bytes: number;
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
    private readonly limits: CompactionLimits,
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

  append(update: Uint8Array): void {
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
      this.fail(error);
      return;
    }
    const overLimit = this.logEntries > this.limits.entries || this.logBytes > this.limits.bytes;
    if (overLimit && !this.compaction) void this.compact();
  }

  /** Resolves once everything appended so far is on disk; rejects if any write failed. */
  async flushed(): Promise<void> {
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
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = error instanceof Error ? error : new Error(String(error));
    this.events.failed(this.failure);
  }
}
