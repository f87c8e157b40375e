/**
 * A first layout for components that have none (an import): a grid, one band per namespace,
 * each band opening with its Namespace component when there is one. Cells are larger than a
 * node, so nothing overlaps; the editor's auto-layout can do better on demand.
 */
import type { Component, LayoutEntry } from './model.js';

const COLUMNS = 8;
const CELL_WIDTH = 240;
const CELL_HEIGHT = 140;
/** Empty space between two namespaces' bands. */
const BAND_GAP = 80;

export function gridLayout(components: readonly Component[]): Record<string, LayoutEntry> {
  const bands = new Map<string, Component[]>();
  for (const component of components) {
    const band = component.kind === 'Namespace' ? component.name : (component.namespace ?? '');
    const members = bands.get(band) ?? [];
    // The Namespace itself opens its band.
    if (component.kind === 'Namespace') members.unshift(component);
    else members.push(component);
    bands.set(band, members);
  }
  const layout: Record<string, LayoutEntry> = {};
  let top = 0;
  for (const members of bands.values()) {
    members.forEach((component, index) => {
      layout[component.id] = {
        x: (index % COLUMNS) * CELL_WIDTH,
        y: top + Math.floor(index / COLUMNS) * CELL_HEIGHT,
      };
    });
    top += Math.ceil(members.length / COLUMNS) * CELL_HEIGHT + BAND_GAP;
  }
  return layout;
}
