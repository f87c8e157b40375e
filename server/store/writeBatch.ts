/**
 * One timer for the delayed writes of every document: whatever is due within the same window is
 * handed to lmdb-js in the same turn, so a hub with many lightly edited designs pays one commit
 * per window instead of one per design.
 */
export class WriteBatch {
  private readonly due = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;

  /** @param delayMs longest a scheduled write waits; 0 runs each write at once. */
  constructor(readonly delayMs: number) {}

  /** Runs `write` within `delayMs`, in the same turn as every other write scheduled meanwhile. */
  schedule(write: () => void): void {
    if (this.delayMs === 0) return write();
    this.due.add(write);
    this.timer ??= setTimeout(this.runDue, this.delayMs).unref();
  }

  private readonly runDue = (): void => {
    this.timer = null;
    const writes = [...this.due];
    this.due.clear();
    for (const write of writes) write();
  };
}
