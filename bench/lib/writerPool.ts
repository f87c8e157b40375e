/**
 * The writers of the persistence benchmark as one load source: round-robin sends, and their
 * acknowledgement timings pooled.
 */
import { LatencyWriter } from './latencyWriter.js';

export class WriterPool {
  private next = 0;

  private constructor(private readonly writers: LatencyWriter[]) {}

  /** Opens `count` writers spread evenly over `designIds`. */
  static async connect(wsUrl: string, designIds: string[], count: number): Promise<WriterPool> {
    const writers: LatencyWriter[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const writer = new LatencyWriter();
        writers.push(writer);
        await writer.connect(wsUrl, designIds[i % designIds.length]!);
      }
    } catch (error) {
      for (const writer of writers) writer.terminate();
      throw error;
    }
    return new WriterPool(writers);
  }

  /** Makes `count` updates ahead of time, spread over the writers as `write` will send them. */
  prepare(count: number): void {
    for (const writer of this.writers) writer.prepare(Math.ceil(count / this.writers.length));
  }

  /** One update from the next writer in turn. */
  readonly write = () => {
    this.writers[this.next]!.write();
    this.next = (this.next + 1) % this.writers.length;
  };

  /** True once some update has waited longer than `ms` for its acknowledgement. */
  waitedLongerThan(ms: number): boolean {
    const now = performance.now();
    return this.writers.some((writer) => writer.oldestWaitMs(now) > ms);
  }

  set recording(on: boolean) {
    for (const writer of this.writers) writer.recording = on;
  }

  get unackedRecorded(): number {
    return this.writers.reduce((sum, writer) => sum + writer.unackedRecorded, 0);
  }

  latencies(): number[] {
    return this.writers.flatMap((writer) => writer.latencies);
  }

  /**
   * Acknowledged recorded updates per second, over the span from the first to the last of their
   * acknowledgements: a hub falling behind stretches that span; idle time around it does not.
   */
  ackedPerSecond(): number {
    const count = this.writers.reduce((sum, writer) => sum + writer.latencies.length, 0);
    const first = Math.min(...this.writers.map((writer) => writer.firstAckAt));
    const last = Math.max(...this.writers.map((writer) => writer.lastAckAt));
    return count > 1 ? count / ((last - first) / 1000) : 0;
  }

  terminate(): void {
    for (const writer of this.writers) writer.terminate();
  }
}
