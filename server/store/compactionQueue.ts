/**
 * Runs the hub's compactions one at a time, a turn apart. Each encodes a whole document on the
 * main thread; documents edited alike (as under a steady load) reach their limits together, and
 * compacting them all in one turn would stall every connection for the sum of their times.
 */
export class CompactionQueue {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `compact` after every compaction queued before it has been written, and a turn more. */
  run(compact: () => Promise<void>): Promise<void> {
    const done = this.tail.then(nextTurn).then(compact);
    this.tail = done.catch(() => undefined);
    return done;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
