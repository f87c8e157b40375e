/**
 * The shape every sandbox controller shares: events from the store are turned into keys, keys
 * wait in a coalescing work queue, and `sync` brings one key's objects to where they should be.
 * Started after construction, so that subclasses' own fields exist before the first event.
 */
import type { StoredEvent } from '../objectStore.js';
import type { Controller, ControllerContext } from './controllerContext.js';
import { WorkQueue } from './workQueue.js';

export abstract class QueuedController implements Controller {
  protected readonly queue: WorkQueue;
  private unsubscribe = () => {};

  constructor(
    protected readonly context: ControllerContext,
    name: string,
  ) {
    this.queue = new WorkQueue(name, (key) => this.sync(key), context.logger);
  }

  /** Looks at everything already stored, then at every change. */
  start(): this {
    for (const key of this.initialKeys()) this.queue.add(key);
    this.unsubscribe = this.context.store.subscribe((event) => {
      for (const key of this.keysFor(event)) this.queue.add(key);
    });
    return this;
  }

  stop(): void {
    this.unsubscribe();
    this.queue.stop();
  }

  /** The keys to sync at start. */
  protected abstract initialKeys(): Iterable<string>;
  /** The keys an event concerns (none for most events). */
  protected abstract keysFor(event: StoredEvent): Iterable<string>;
  protected abstract sync(key: string): void;
}
