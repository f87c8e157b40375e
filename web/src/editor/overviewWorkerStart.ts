/**
 * The overview's worker (overviewWorker.ts), started ahead of need. A large design opens zoomed
 * out, so its overview is wanted as soon as the design is there; but a new worker only starts
 * once the page's main thread is free, and opening the editor keeps that thread busy for a few
 * hundred milliseconds. So the app starts one as soon as the address names a design (App.svelte),
 * while the editor's code and the design are still loading, and the overview takes it.
 */

/** Whether this browser can hand a canvas to a worker; where not, the page paints it itself. */
export const paintsOffscreen =
  typeof HTMLCanvasElement !== 'undefined' &&
  'transferControlToOffscreen' in HTMLCanvasElement.prototype;

let spare: Worker | undefined;

const newWorker = () =>
  new Worker(new URL('./overviewWorker.ts', import.meta.url), { type: 'module' });

export function startOverviewWorker(): void {
  if (paintsOffscreen) spare ??= newWorker();
}

/** The worker started ahead, or a new one. */
export function takeOverviewWorker(): Worker {
  const worker = spare ?? newWorker();
  spare = undefined;
  return worker;
}
