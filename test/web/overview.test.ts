import { describe, expect, it } from 'vitest';
import type { CanvasEdge, CanvasNode, KindStyle } from '../../web/src/editor/canvasModel.js';
import {
  absoluteRects,
  componentAt,
  componentsIn,
  overviewShapes,
  sameShapes,
} from '../../web/src/editor/overview.js';

const style: KindStyle = { colour: '#00f', badge: 'X', container: false };
const node = (
  id: string,
  x: number,
  y: number,
  size: { width: number; height: number },
  parentId?: string,
): CanvasNode => ({
  id,
  type: parentId === undefined && id === 'ns' ? 'container' : 'component',
  position: { x, y },
  ...size,
  parentId,
  data: {
    kind: 'Deployment',
    name: id,
    style,
    findings: { error: 0, warning: 0, info: 0 },
    deploy: null,
    drift: 0,
    selectedBy: [],
  },
});

// A namespace at (100, 100) holding `web` 20 px in; `db` on its own further right.
const nodes = [
  node('ns', 100, 100, { width: 400, height: 200 }),
  node('web', 20, 40, { width: 200, height: 56 }, 'ns'),
  node('db', 800, 100, { width: 200, height: 56 }),
];
const rects = absoluteRects(nodes);

describe('the overview', () => {
  it('places children by their parent', () => {
    expect(rects.get('web')).toEqual({ x: 120, y: 140, width: 200, height: 56 });
  });

  it('picks the innermost component under a point', () => {
    expect(componentAt(nodes, rects, { x: 130, y: 150 })?.id).toBe('web');
    expect(componentAt(nodes, rects, { x: 450, y: 280 })?.id).toBe('ns');
    expect(componentAt(nodes, rects, { x: 700, y: 120 })).toBeUndefined();
  });

  it('picks what a selection box touches', () => {
    expect(componentsIn(nodes, rects, { x: 300, y: 120, width: 600, height: 30 })).toEqual([
      'ns',
      'web',
      'db',
    ]);
    expect(componentsIn(nodes, rects, { x: 850, y: 0, width: 10, height: 10 })).toEqual([]);
  });

  it('turns the design into plain shapes: blocks where they are drawn, lines handle to handle', () => {
    const marked = nodes.map((n) =>
      n.id === 'web'
        ? { ...n, selected: true, data: { ...n.data, findings: { error: 0, warning: 2, info: 0 } } }
        : n.id === 'db'
          ? { ...n, data: { ...n.data, selectedBy: [{ name: 'Grace', color: '#0090ff' }] } }
          : n,
    );
    const edges: CanvasEdge[] = [
      {
        id: 'e',
        source: 'web',
        target: 'db',
        data: { origin: 'inferred', status: 'accepted', label: 'network' },
      },
      {
        id: 'gone',
        source: 'web',
        target: 'missing',
        data: { origin: 'user', status: 'user', label: 'x' },
      },
    ];
    const { blocks, lines } = overviewShapes(marked, absoluteRects(marked), edges);
    expect(
      blocks.map((block) => [block.container, block.selected, block.selectedBy, block.finding]),
    ).toEqual([
      [true, false, undefined, undefined],
      [false, true, undefined, 'warning'],
      [false, false, '#0090ff', undefined],
    ]);
    expect(blocks[1]).toMatchObject({ x: 120, y: 140, width: 200, height: 56, colour: '#00f' });
    expect(lines).toEqual([
      { from: { x: 320, y: 168 }, to: { x: 800, y: 128 }, status: 'accepted' },
    ]);
  });

  it('tells a copy of the same drawing from a changed one', () => {
    const edges: CanvasEdge[] = [
      {
        id: 'r',
        source: 'web',
        target: 'db',
        data: { origin: 'inferred', status: 'inferred', label: 'network' },
      },
    ];
    const drawn = overviewShapes(nodes, rects, edges);
    // New node objects with the same content, as Svelte Flow hands them back.
    const copies = nodes.map((each) => ({ ...each, data: { ...each.data } }));
    expect(sameShapes(overviewShapes(copies, absoluteRects(copies), edges), drawn)).toBe(true);

    const moved = nodes.map((each) =>
      each.id === 'db' ? { ...each, position: { x: 801, y: 100 } } : each,
    );
    expect(sameShapes(overviewShapes(moved, absoluteRects(moved), edges), drawn)).toBe(false);
    const selected = nodes.map((each) => (each.id === 'web' ? { ...each, selected: true } : each));
    expect(sameShapes(overviewShapes(selected, rects, edges), drawn)).toBe(false);
    const accepted: CanvasEdge[] = [
      { ...edges[0]!, data: { origin: 'inferred', status: 'accepted', label: 'network' } },
    ];
    expect(sameShapes(overviewShapes(nodes, rects, accepted), drawn)).toBe(false);
    expect(sameShapes(overviewShapes(nodes, rects, []), drawn)).toBe(false);
  });
});
