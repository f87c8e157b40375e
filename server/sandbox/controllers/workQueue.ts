/**
 * A controller's queue of keys to reconcile. Keys added while a batch is pending coalesce, so a
 * burst of events about one object costs one reconcile; the batch runs on a later macrotask, after
 * the write that caused it has returned to its client. Keys can also come back after a delay
 * (a pod that becomes ready in 500 ms).
 */
import type { Logger } from '../../log.js';

/** Longest a queue works in one macrotask before letting other work (requests) run. */
const SLICE_MS = 20;

export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private scheduled: NodeJS.Immediate | undefined;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly reconcile: (key: string) => void,
    private readonly logger: Logger,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    this.scheduled ??= setImmediate(() => this.run());
  }

  /** Reconciles `key` again after `delayMs` (a later request for the same key replaces it). */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.add(key);
      }, delayMs),
    );
  }

  stop(): void {
    this.stopped = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.pending.clear();
  }

  private run(): void {
    this.scheduled = undefined;
    const started = performance.now();
    // The keys pending now; ones added meanwhile wait for the next run, as do any left over.
    for (const key of [...this.pending]) {
      // Yield after a slice of work, so that requests are answered while a big change settles.
      if (performance.now() - started > SLICE_MS) {
        this.scheduled ??= setImmediate(() => this.run());
        return;
      }
      this.pending.delete(key);
      try {
        this.reconcile(key);
      } catch (error) {
        // A failed reconcile is retried later, as a real controller's rate-limited requeue.
        this.logger.warn(`sandbox ${this.name} controller failed on ${key}`, error);
        this.addAfter(key, 1_000);
      }
    }
  }
}
