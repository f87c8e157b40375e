/**
 * The design drawn zoomed far out, on one <canvas>. A fitted view of a large design shows every
 * component at once; as DOM that is a thousand node boxes and one SVG per relationship for the
 * browser to paint and rasterize on every pan. Drawn here, the same view costs a few hundred
 * rectangle and line calls per frame. Only the selected components stay Svelte Flow nodes (so
 * they can be dragged); the others are picked here, by position (`componentAt`, `componentsIn`).
 */
import type { Viewport } from '@xyflow/svelte';
import type { CanvasEdge, CanvasNode, Rect } from './canvasModel';

/** Theme colours the overview draws with, read from the page's CSS variables. */
export interface OverviewPalette {
  surface: string;
  text: string;
  accent: string;
  ok: string;
  danger: string;
  warning: string;
}

/** Absolute rectangles by node id, as `absoluteRects` works them out. */
export type PlacedRects = ReadonlyMap<string, Rect>;

export interface OverviewScene {
  nodes: readonly CanvasNode[];
  rects: PlacedRects;
  edges: readonly CanvasEdge[];
  viewport: Viewport;
  /** The canvas element's size in CSS pixels. */
  width: number;
  height: number;
  pixelRatio: number;
  palette: OverviewPalette;
}

/** Screen pixels, whatever the zoom. */
const SELECTION_WIDTH = 2;
const EDGE_WIDTH = 1;
const FINDING_DOT_RADIUS = 3;
const NODE_FILL_ALPHA = 0.55;
const CONTAINER_FILL_ALPHA = 0.08;
const REJECTED_ALPHA = 0.3;

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

const overlaps = (a: Rect, b: Rect) =>
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

/** The flow-coordinate rectangle the canvas shows. */
function visibleArea({ viewport, width, height }: OverviewScene): Rect {
  return {
    x: -viewport.x / viewport.zoom,
    y: -viewport.y / viewport.zoom,
    width: width / viewport.zoom,
    height: height / viewport.zoom,
  };
}

/** How much of the design a frame drew. */
export interface OverviewDrawn {
  components: number;
  relationships: number;
}

export function drawOverview(
  context: CanvasRenderingContext2D,
  scene: OverviewScene,
): OverviewDrawn {
  const { viewport, pixelRatio, palette, rects } = scene;
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, context.canvas.width, context.canvas.height);
  context.setTransform(
    viewport.zoom * pixelRatio,
    0,
    0,
    viewport.zoom * pixelRatio,
    viewport.x * pixelRatio,
    viewport.y * pixelRatio,
  );
  const screenPixel = 1 / viewport.zoom;
  const visible = visibleArea(scene);
  const shown = scene.nodes.filter((node) => overlaps(rects.get(node.id)!, visible));

  drawContainers(context, shown, rects, screenPixel);
  const relationships = drawEdges(context, scene.edges, rects, visible, screenPixel, palette);
  drawComponents(context, shown, rects, palette);
  drawMarks(context, shown, rects, screenPixel, palette);
  return { components: shown.length, relationships };
}

function drawContainers(
  context: CanvasRenderingContext2D,
  shown: readonly CanvasNode[],
  rects: PlacedRects,
  screenPixel: number,
) {
  context.lineWidth = screenPixel;
  for (const node of shown) {
    if (node.type !== 'container') continue;
    const { x, y, width, height } = rects.get(node.id)!;
    context.fillStyle = node.data.style.colour;
    context.globalAlpha = CONTAINER_FILL_ALPHA;
    context.fillRect(x, y, width, height);
    context.globalAlpha = 1;
    context.strokeStyle = node.data.style.colour;
    context.strokeRect(x, y, width, height);
  }
}

/** Edges from the right middle of the source to the left middle of the target, like the handles. */
function drawEdges(
  context: CanvasRenderingContext2D,
  edges: readonly CanvasEdge[],
  rects: PlacedRects,
  visible: Rect,
  screenPixel: number,
  palette: OverviewPalette,
): number {
  const strokes = {
    user: { colour: palette.text, alpha: 1 },
    inferred: { colour: palette.accent, alpha: 1 },
    accepted: { colour: palette.ok, alpha: 1 },
    rejected: { colour: palette.accent, alpha: REJECTED_ALPHA },
  };
  let drawn = 0;
  context.lineWidth = EDGE_WIDTH * screenPixel;
  // One path per kind of stroke: a few calls into the rasterizer instead of one per edge.
  for (const [status, stroke] of Object.entries(strokes)) {
    context.beginPath();
    for (const edge of edges) {
      if (edge.data?.status !== status) continue;
      const source = rects.get(edge.source);
      const target = rects.get(edge.target);
      if (!source || !target) continue;
      const from = { x: source.x + source.width, y: source.y + source.height / 2 };
      const to = { x: target.x, y: target.y + target.height / 2 };
      const span = {
        x: Math.min(from.x, to.x),
        y: Math.min(from.y, to.y),
        width: Math.abs(to.x - from.x) + screenPixel,
        height: Math.abs(to.y - from.y) + screenPixel,
      };
      if (!overlaps(span, visible)) continue;
      context.moveTo(from.x, from.y);
      context.lineTo(to.x, to.y);
      drawn++;
    }
    context.strokeStyle = stroke.colour;
    context.globalAlpha = stroke.alpha;
    context.stroke();
  }
  context.globalAlpha = 1;
  return drawn;
}

/** Leaf components as blocks in their kind's colour, one fill per colour. */
function drawComponents(
  context: CanvasRenderingContext2D,
  shown: readonly CanvasNode[],
  rects: PlacedRects,
  palette: OverviewPalette,
) {
  const byColour = new Map<string, Rect[]>();
  for (const node of shown) {
    if (node.type === 'container') continue;
    const list = byColour.get(node.data.style.colour) ?? [];
    list.push(rects.get(node.id)!);
    byColour.set(node.data.style.colour, list);
  }
  context.fillStyle = palette.surface;
  context.beginPath();
  for (const list of byColour.values())
    for (const r of list) context.rect(r.x, r.y, r.width, r.height);
  context.fill();
  context.globalAlpha = NODE_FILL_ALPHA;
  for (const [colour, list] of byColour) {
    context.fillStyle = colour;
    context.beginPath();
    for (const r of list) context.rect(r.x, r.y, r.width, r.height);
    context.fill();
  }
  context.globalAlpha = 1;
}

/** Selections (this page's and other people's) and a dot on components with findings. */
function drawMarks(
  context: CanvasRenderingContext2D,
  shown: readonly CanvasNode[],
  rects: PlacedRects,
  screenPixel: number,
  palette: OverviewPalette,
) {
  context.lineWidth = SELECTION_WIDTH * screenPixel;
  for (const node of shown) {
    const { x, y, width, height } = rects.get(node.id)!;
    const outline = node.selected ? palette.accent : node.data.selectedBy[0]?.color;
    if (outline) {
      context.strokeStyle = outline;
      context.strokeRect(x, y, width, height);
    }
    const { error, warning } = node.data.findings;
    if (error > 0 || warning > 0) {
      context.fillStyle = error > 0 ? palette.danger : palette.warning;
      context.beginPath();
      context.arc(x + width, y, FINDING_DOT_RADIUS * screenPixel, 0, 2 * Math.PI);
      context.fill();
    }
  }
}
