/**
 * Paints the overview's shapes for a viewport: a few hundred rectangle and line calls per frame.
 * Plain data in, pixels out, so it runs in a worker on an OffscreenCanvas (overviewWorker.ts)
 * as well as on the page: panning then changes only the viewport sent to the worker, and the
 * page's main thread no longer hands a full-size bitmap to the compositor on every frame.
 */
import type { Viewport } from '@xyflow/svelte';
import type { RelationshipEdgeData, Rect } from './canvasModel';
import { overlaps } from './overview';

/** Theme colours the overview draws with, read from the page's CSS variables. */
export interface OverviewPalette {
  surface: string;
  text: string;
  accent: string;
  ok: string;
  danger: string;
  warning: string;
}

/** A component where it is drawn (absolute flow coordinates). */
export interface OverviewBlock extends Rect {
  colour: string;
  container: boolean;
  /** Selected on this page. */
  selected: boolean;
  /** The colour of the first other person who has it selected. */
  selectedBy?: string;
  finding?: 'error' | 'warning';
}

export interface OverviewLine {
  from: { x: number; y: number };
  to: { x: number; y: number };
  status: RelationshipEdgeData['status'];
}

export interface OverviewShapes {
  /** Parents before their children, so children are drawn on top. */
  blocks: OverviewBlock[];
  lines: OverviewLine[];
}

export interface OverviewView {
  viewport: Viewport;
  /** The canvas element's size in CSS pixels. */
  width: number;
  height: number;
  pixelRatio: number;
}

/** How much of the design a frame drew. */
export interface OverviewDrawn {
  components: number;
  relationships: number;
}

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Screen pixels, whatever the zoom. */
const SELECTION_WIDTH = 2;
const EDGE_WIDTH = 1;
const FINDING_DOT_RADIUS = 3;
const NODE_FILL_ALPHA = 0.55;
const CONTAINER_FILL_ALPHA = 0.08;
const REJECTED_ALPHA = 0.3;

/** Sizes the canvas for the view (only when it changed: assigning a size clears it) and paints. */
export function paintOverview(
  context: Context2D,
  shapes: OverviewShapes,
  view: OverviewView,
  palette: OverviewPalette,
): OverviewDrawn {
  const { viewport, pixelRatio } = view;
  const canvas = context.canvas;
  const pixelWidth = Math.round(view.width * pixelRatio);
  const pixelHeight = Math.round(view.height * pixelRatio);
  if (canvas.width !== pixelWidth) canvas.width = pixelWidth;
  if (canvas.height !== pixelHeight) canvas.height = pixelHeight;
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, canvas.width, canvas.height);
  const scale = viewport.zoom * pixelRatio;
  context.setTransform(scale, 0, 0, scale, viewport.x * pixelRatio, viewport.y * pixelRatio);
  const screenPixel = 1 / viewport.zoom;
  const visible = {
    x: -viewport.x / viewport.zoom,
    y: -viewport.y / viewport.zoom,
    width: view.width / viewport.zoom,
    height: view.height / viewport.zoom,
  };
  const shown = shapes.blocks.filter((block) => overlaps(block, visible));

  drawContainers(context, shown, screenPixel);
  const relationships = drawLines(context, shapes.lines, visible, screenPixel, palette);
  drawComponents(context, shown, palette);
  drawMarks(context, shown, screenPixel, palette);
  return { components: shown.length, relationships };
}

function drawContainers(context: Context2D, shown: readonly OverviewBlock[], screenPixel: number) {
  context.lineWidth = screenPixel;
  for (const { x, y, width, height, colour, container } of shown) {
    if (!container) continue;
    context.fillStyle = colour;
    context.globalAlpha = CONTAINER_FILL_ALPHA;
    context.fillRect(x, y, width, height);
    context.globalAlpha = 1;
    context.strokeStyle = colour;
    context.strokeRect(x, y, width, height);
  }
}

function drawLines(
  context: Context2D,
  lines: readonly OverviewLine[],
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
  // One path per kind of stroke: a few calls into the rasterizer instead of one per line.
  for (const [status, stroke] of Object.entries(strokes)) {
    context.beginPath();
    for (const { from, to, status: lineStatus } of lines) {
      if (lineStatus !== status) continue;
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
  context: Context2D,
  shown: readonly OverviewBlock[],
  palette: OverviewPalette,
) {
  const byColour = new Map<string, OverviewBlock[]>();
  for (const block of shown) {
    if (block.container) continue;
    const list = byColour.get(block.colour) ?? [];
    list.push(block);
    byColour.set(block.colour, list);
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
  context: Context2D,
  shown: readonly OverviewBlock[],
  screenPixel: number,
  palette: OverviewPalette,
) {
  context.lineWidth = SELECTION_WIDTH * screenPixel;
  for (const { x, y, width, height, selected, selectedBy, finding } of shown) {
    const outline = selected ? palette.accent : selectedBy;
    if (outline) {
      context.strokeStyle = outline;
      context.strokeRect(x, y, width, height);
    }
    if (finding) {
      context.fillStyle = finding === 'error' ? palette.danger : palette.warning;
      context.beginPath();
      context.arc(x + width, y, FINDING_DOT_RADIUS * screenPixel, 0, 2 * Math.PI);
      context.fill();
    }
  }
}

/** What changed since the last frame; whatever is left out stays as it was. */
export type OverviewChange = Partial<{
  shapes: OverviewShapes;
  palette: OverviewPalette;
  view: OverviewView;
}>;

/**
 * Keeps the latest shapes, palette and view and paints them as each change arrives, once all
 * three have. Changes are sent at most once per frame (see OverviewCanvas.svelte), so painting
 * at once rather than at the next animation frame shows a remote edit a frame sooner.
 */
export class OverviewPainter {
  private shapes?: OverviewShapes;
  private palette?: OverviewPalette;
  private view?: OverviewView;

  constructor(
    private readonly context: Context2D,
    private readonly drew: (drawn: OverviewDrawn) => void,
  ) {}

  update(change: OverviewChange): void {
    this.shapes = change.shapes ?? this.shapes;
    this.palette = change.palette ?? this.palette;
    this.view = change.view ?? this.view;
    const { shapes, palette, view } = this;
    if (shapes && palette && view) this.drew(paintOverview(this.context, shapes, view, palette));
  }
}
