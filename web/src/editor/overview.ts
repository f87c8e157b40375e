/**
 * The design zoomed far out, on one <canvas>. A fitted view of a large design shows every
 * component at once; as DOM that is a thousand node boxes and one SVG per relationship for the
 * browser to paint and rasterize on every pan. Only the selected components stay Svelte Flow
 * nodes (so they can be dragged); the others are picked here, by position (`componentAt`,
 * `componentsIn`), and drawn from the plain shapes `overviewShapes` makes of the design (see
 * overviewPainter.ts).
 */
import type { CanvasEdge, CanvasNode, Rect } from './canvasModel';
import type { OverviewBlock, OverviewLine, OverviewShapes } from './overviewPainter';

/** Absolute rectangles by node id, as `absoluteRects` works them out. */
export type PlacedRects = ReadonlyMap<string, Rect>;

/** Where every node is on the canvas: Svelte Flow positions children relative to their parent. */
export function absoluteRects(nodes: readonly CanvasNode[]): Map<string, Rect> {
  const rects = new Map<string, Rect>();
  // Parents come before their children (see projectNodes), so a parent is always placed first.
  for (const { id, parentId, position, width = 0, height = 0 } of nodes) {
    const parent = parentId === undefined ? undefined : rects.get(parentId);
    rects.set(id, {
      x: position.x + (parent?.x ?? 0),
      y: position.y + (parent?.y ?? 0),
      width,
      height,
    });
  }
  return rects;
}

export const overlaps = (a: Rect, b: Rect): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The component drawn on top at a flow position: the innermost one, as children come last. */
export function componentAt(
  nodes: readonly CanvasNode[],
  rects: PlacedRects,
  point: { x: number; y: number },
): CanvasNode | undefined {
  return nodes.findLast((node) => overlaps(rects.get(node.id)!, { ...point, width: 0, height: 0 }));
}

/** Components a flow rectangle touches, as a selection box picks them. */
export function componentsIn(
  nodes: readonly CanvasNode[],
  rects: PlacedRects,
  area: Rect,
): string[] {
  return nodes.filter((node) => overlaps(rects.get(node.id)!, area)).map((node) => node.id);
}

/**
 * What the overview draws, worked out when the design changes rather than on every frame:
 * containers first, then components (children after their parents), and the relationships from
 * the right middle of the source to the left middle of the target, like the handles.
 */
export function overviewShapes(
  nodes: readonly CanvasNode[],
  rects: PlacedRects,
  edges: readonly CanvasEdge[],
): OverviewShapes {
  const blocks = nodes.map((node): OverviewBlock => {
    const { error, warning } = node.data.findings;
    const { x, y, width, height } = rects.get(node.id)!;
    return {
      x,
      y,
      width,
      height,
      colour: node.data.style.colour,
      container: node.type === 'container',
      selected: node.selected === true,
      selectedBy: node.data.selectedBy[0]?.color,
      finding: error > 0 ? 'error' : warning > 0 ? 'warning' : undefined,
    };
  });
  const lines: OverviewLine[] = [];
  for (const edge of edges) {
    const source = rects.get(edge.source);
    const target = rects.get(edge.target);
    if (!source || !target || !edge.data) continue;
    lines.push({
      from: { x: source.x + source.width, y: source.y + source.height / 2 },
      to: { x: target.x, y: target.y + target.height / 2 },
      status: edge.data.status,
    });
  }
  return { blocks, lines };
}

const sameBlock = (a: OverviewBlock, b: OverviewBlock): boolean =>
  a.x === b.x &&
  a.y === b.y &&
  a.width === b.width &&
  a.height === b.height &&
  a.colour === b.colour &&
  a.container === b.container &&
  a.selected === b.selected &&
  a.selectedBy === b.selectedBy &&
  a.finding === b.finding;

const sameLine = (a: OverviewLine, b: OverviewLine): boolean =>
  a.from.x === b.from.x &&
  a.from.y === b.from.y &&
  a.to.x === b.to.x &&
  a.to.y === b.to.y &&
  a.status === b.status;

/** Whether two sets of shapes draw the same picture. */
export function sameShapes(a: OverviewShapes, b: OverviewShapes): boolean {
  return (
    a.blocks.length === b.blocks.length &&
    a.lines.length === b.lines.length &&
    a.blocks.every((block, index) => sameBlock(block, b.blocks[index]!)) &&
    a.lines.every((line, index) => sameLine(line, b.lines[index]!))
  );
}
