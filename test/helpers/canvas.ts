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
