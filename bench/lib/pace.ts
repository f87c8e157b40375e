/** Open-loop pacing for load generators: a steady offered rate, whatever the server does. */

const TICK_MS = 1;

/**
 * Calls `send` `rate` times a second for `ms` milliseconds, catching up on each ~1 ms timer
 * tick with whatever is due, and stops early once `giveUp()` holds. Resolves with the number of
 * calls made, the milliseconds it took and whether it gave up.
 * @example const { sent } = await pace(20_000, 10_000, () => writer.write(), () => false);
 */
export function pace(
  rate: number,
  ms: number,
  send: () => void,
  giveUp: () => boolean,
): Promise<{ sent: number; ms: number; gaveUp: boolean }> {
  const start = performance.now();
  let sent = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const elapsed = Math.min(performance.now() - start, ms);
      const due = Math.floor((elapsed * rate) / 1000);
      for (; sent < due; sent++) send();
      const gaveUp = elapsed < ms && giveUp();
      if (elapsed >= ms || gaveUp) resolve({ sent, ms: performance.now() - start, gaveUp });
      else setTimeout(tick, TICK_MS);
    };
    tick();
  });
}

/** Resolves once `done()` holds or `timeoutMs` has passed, polling every few milliseconds. */
export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}
