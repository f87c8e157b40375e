import { describe, expect, it } from 'vitest';
import {
  COMPONENT_SIZE,
  CONTAINER_MIN_SIZE,
  CONTAINER_PADDING,
  layeredLayout,
  type LayoutBox,
  type LayoutLink,
} from '../../shared/design/layeredLayout.js';

const box = (id: string, parent?: string): LayoutBox => ({ id, parent, ...COMPONENT_SIZE });
const edge = (from: string, to: string): LayoutLink => ({ kind: 'edge', from, to });

interface Rect {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Each box's rectangle as the editor draws it: containers wrap their children. */
function rectsOf(boxes: readonly LayoutBox[], positions: Map<string, { x: number; y: number }>) {
  const rects = new Map<string, Rect>();
  const rectOf = (target: LayoutBox): Rect => {
    const at = positions.get(target.id)!;
    const kids = boxes.filter((other) => other.parent === target.id);
    let right = at.x + (kids.length > 0 ? CONTAINER_MIN_SIZE.width : target.width);
    let bottom = at.y + (kids.length > 0 ? CONTAINER_MIN_SIZE.height : target.height);
    for (const kid of kids) {
      const inner = rectOf(kid);
      right = Math.max(right, inner.x + inner.width + CONTAINER_PADDING);
      bottom = Math.max(bottom, inner.y + inner.height + CONTAINER_PADDING);
    }
    const rect = { id: target.id, ...at, width: right - at.x, height: bottom - at.y };
    rects.set(target.id, rect);
    return rect;
  };
  for (const target of boxes) rectOf(target);
  return rects;
}

const overlap = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Pairs of boxes at the same nesting level whose rectangles overlap. */
function overlaps(boxes: readonly LayoutBox[], rects: Map<string, Rect>): string[] {
  const found: string[] = [];
  for (const a of boxes) {
    for (const b of boxes) {
      if (a.id < b.id && a.parent === b.parent && overlap(rects.get(a.id)!, rects.get(b.id)!)) {
        found.push(`${a.id}/${b.id}`);
      }
    }
  }
  return found;
}

describe('layeredLayout', () => {
  it('ranks related components left to right along their edges', () => {
    const boxes = [box('deployment'), box('service'), box('ingress'), box('config')];
    const positions = layeredLayout(boxes, [
      edge('ingress', 'service'),
      edge('service', 'deployment'),
      edge('config', 'deployment'),
    ]);
    const x = (id: string) => positions.get(id)!.x;
    expect(x('ingress')).toBeLessThan(x('service'));
    expect(x('service')).toBeLessThan(x('deployment'));
    expect(x('config')).toBeLessThan(x('deployment'));
    expect(overlaps(boxes, rectsOf(boxes, positions))).toEqual([]);
  });

  it('packs unrelated components in rows instead of one long column', () => {
    const boxes = Array.from({ length: 60 }, (_, index) => box(`c${index}`));
    const rects = rectsOf(boxes, layeredLayout(boxes, []));
    const all = [...rects.values()];
    const width = Math.max(...all.map((r) => r.x + r.width)) - Math.min(...all.map((r) => r.x));
    const height = Math.max(...all.map((r) => r.y + r.height)) - Math.min(...all.map((r) => r.y));
    expect(width / height).toBeGreaterThan(1);
    expect(width / height).toBeLessThan(4);
    expect(overlaps(boxes, rects)).toEqual([]);
  });

  it('lays out inside containers, each sized around its children, none covering another', () => {
    const boxes: LayoutBox[] = [
      { id: 'shop', ...CONTAINER_MIN_SIZE },
      { id: 'empty', ...CONTAINER_MIN_SIZE },
      box('web', 'shop'),
      box('web-svc', 'shop'),
      ...Array.from({ length: 12 }, (_, index) => box(`settings-${index}`, 'shop')),
      box('loose'),
    ];
    const positions = layeredLayout(boxes, [edge('web-svc', 'web'), edge('loose', 'web')]);
    const rects = rectsOf(boxes, positions);
    const shop = rects.get('shop')!;
    for (const child of boxes.filter((b) => b.parent === 'shop')) {
      const rect = rects.get(child.id)!;
      // Below the title, inside the frame.
      expect(rect.y).toBeGreaterThanOrEqual(shop.y + 40);
      expect(rect.x).toBeGreaterThanOrEqual(shop.x + CONTAINER_PADDING);
    }
    expect(positions.get('web-svc')!.x).toBeLessThan(positions.get('web')!.x);
    // Twelve unrelated ConfigMaps do not stretch the Namespace into a column.
    expect(shop.height).toBeLessThan(shop.width * 2);
    expect(overlaps(boxes, rects)).toEqual([]);
  });

  it('ignores links that do not rank (containment, shared labels) and unknown ends', () => {
    const boxes = [box('a'), box('b')];
    const links = [
      { kind: 'sibling', from: 'a', to: 'b' },
      { kind: 'hierarchical', from: 'b', to: 'a' },
      edge('a', 'missing'),
    ];
    expect(layeredLayout(boxes, links)).toEqual(layeredLayout(boxes, []));
  });

  it('places every box of a hand-edited nesting loop instead of hanging', () => {
    const boxes = [box('a', 'b'), box('b', 'c'), box('c', 'b'), box('d', 'a')];
    const positions = layeredLayout(boxes, []);
    expect([...positions.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});
