/**
 * When each update left the writer and how long it took to reach each observer. Writer and
 * observers share this process, so one `performance.now()` clock times both ends.
 */
export class DeliveryLog {
  private readonly sentAt: Float64Array;
  /** Updates before this index are warm-up: delivered, but not timed. */
  private readonly timedFrom: number;
  readonly latenciesMs: number[] = [];

  constructor(updates: number, warmup: number) {
    this.sentAt = new Float64Array(updates);
    this.timedFrom = warmup;
  }

  sent(update: number, at: number): void {
    this.sentAt[update] = at;
  }

  delivered(update: number, at: number): void {
    if (update >= this.timedFrom) this.latenciesMs.push(at - this.sentAt[update]!);
  }
}
