/**
 * Counts the HTTP requests being handled, so that shutdown can let them finish before it closes
 * the rooms and the database they write to.
 */
import type { MiddlewareHandler } from 'hono';

export class InFlightRequests {
  private count = 0;
  private waiters: (() => void)[] = [];

  /** Hono middleware: counts a request from its arrival until its response is ready. */
  readonly track: MiddlewareHandler = async (_c, next) => {
    this.count += 1;
    try {
      await next();
    } finally {
      this.count -= 1;
      if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  };

  /** Resolves true once no request is in flight, or false if some still are after `timeoutMs`. */
  drained(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
