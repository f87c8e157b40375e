import type { Page } from 'playwright-core';

/** Where a flow position is on the page, from the transform Svelte Flow gives its viewport. */
export async function screenPoint(
  page: Page,
  point: { x: number; y: number },
): Promise<{ x: number; y: number }> {
  return page.evaluate((flow) => {
    const pane = document.querySelector('.svelte-flow')!.getBoundingClientRect();
    const viewport = document.querySelector('.svelte-flow__viewport')!;
    const { a: zoom, e, f } = new DOMMatrix(getComputedStyle(viewport).transform);
    return { x: pane.left + e + flow.x * zoom, y: pane.top + f + flow.y * zoom };
  }, point);
}

/**
 * Runs in the page (pass it to `page.evaluate` or `waitForFunction`): whether the overview
 * canvas has painted the pixel at a point of the page. The pixel is copied out, as the canvas
 * is painted by a worker and a placeholder on the page can only be drawn from.
 */
export const overviewPaintedAt = (at: { x: number; y: number }): boolean => {
  const canvas = document.querySelector<HTMLCanvasElement>('.overview')!;
  const box = canvas.getBoundingClientRect();
  const ratio = window.devicePixelRatio || 1;
  const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
  probe.drawImage(canvas, (at.x - box.left) * ratio, (at.y - box.top) * ratio, 1, 1, 0, 0, 1, 1);
  return probe.getImageData(0, 0, 1, 1).data[3]! > 0;
};
