import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { writeComponent, writeLayout } from '../../shared/design/convert.js';
import { decideRelationship, forgetSize, resizeComponent } from '../../shared/design/edits.js';
import { writeDerivedRelationship, type DerivedRelationship } from '../../shared/design/derived.js';
import type { Component } from '../../shared/design/model.js';
import {
  projectEdges,
  projectNodes,
  topLevelBounds,
  type CanvasEdge,
  type CanvasNode,
  type KindStyle,
} from '../../web/src/editor/canvasModel.js';

const styles: Record<string, KindStyle> = {
  Namespace: { colour: '#888', badge: 'NS', container: true },
  Deployment: { colour: '#00f', badge: 'DEP', container: false },
};
const styleOf = (kind: string) => styles[kind] ?? styles.Deployment!;

function component(id: string, kind: string, parent?: string): Component {
  return {
    id,
    model: 'kubernetes',
    apiVersion: 'v1',
    kind,
    name: id,
    labels: {},
    annotations: {},
    config: {},
    ...(parent ? { parent } : {}),
  };
}

function design(): Y.Doc {
  const doc = new Y.Doc();
  writeComponent(doc, component('ns', 'Namespace'));
  writeLayout(doc, 'ns', { x: 100, y: 100 });
  writeComponent(doc, component('web', 'Deployment', 'ns'));
  writeLayout(doc, 'web', { x: 140, y: 160 });
  writeComponent(doc, component('db', 'Deployment'));
  writeLayout(doc, 'db', { x: 900, y: 50 });
  return doc;
}

const project = (
  doc: Y.Doc,
  current: readonly CanvasNode[] = [],
  selected: string[] = [],
  overview = false,
) =>
  projectNodes({
    doc,
    derived: new Y.Doc(),
    styleOf,
    selectedBy: new Map(),
    selected: new Set(selected),
    overview,
    dragging: new Set(),
    frozenSizes: new Map(),
    current,
  });

function derivedWith(...relationships: DerivedRelationship[]): Y.Doc {
  const derived = new Y.Doc();
  for (const relationship of relationships) writeDerivedRelationship(derived, relationship);
  return derived;
}

const inferred = (id: string, kind: DerivedRelationship['kind'], from: string, to: string) =>
  ({
    id,
    kind,
    type: 'non-binding',
    subType: kind === 'sibling' ? 'matchLabels' : 'network',
    from,
    to,
    definition: `test/${kind}`,
    status: 'inferred',
  }) satisfies DerivedRelationship;

const edgesOf = (
  doc: Y.Doc,
  derived: Y.Doc,
  options: { selected?: string[]; current?: readonly CanvasEdge[] } = {},
) =>
  projectEdges({
    doc,
    derived,
    drawn: new Map([
      ['ns', 'shop'],
      ['web', 'web'],
      ['db', 'db'],
    ]),
    selected: new Set(options.selected ?? []),
    current: options.current ?? [],
  });

describe('projectNodes', () => {
  it('puts parents first and children relative to them', () => {
    const nodes = project(design());
    expect(nodes.map((node) => node.id)).toEqual(['ns', 'web', 'db']);
    const web = nodes.find((node) => node.id === 'web')!;
    expect(web.parentId).toBe('ns');
    expect(web.position).toEqual({ x: 40, y: 60 });
    expect(nodes.find((node) => node.id === 'ns')!.type).toBe('container');
  });

  it('returns the very same array when nothing changed, and reuses unchanged nodes', () => {
    const doc = design();
    const first = project(doc);
    expect(project(doc, first)).toBe(first);

    doc.getMap<Y.Map<unknown>>('components').get('db')!.set('name', 'database');
    const second = project(doc, first);
    expect(second).not.toBe(first);
    expect(second.find((node) => node.id === 'db')!.data.name).toBe('database');
    expect(second.find((node) => node.id === 'web')).toBe(first.find((node) => node.id === 'web'));
  });

  it('marks what this page selected, replacing only those nodes', () => {
    const doc = design();
    const first = project(doc);
    const selected = project(doc, first, ['db']);
    expect(selected.find((node) => node.id === 'db')!.selected).toBe(true);
    expect(selected.find((node) => node.id === 'ns')).toBe(first.find((node) => node.id === 'ns'));
  });

  it('draws a container at the size given by hand, but never smaller than its children need', () => {
    const doc = design();
    const sizeOf = () => {
      const ns = project(doc).find((node) => node.id === 'ns')!;
      return { width: ns.width, height: ns.height };
    };
    // web sits at (40, 60) inside: 40 + 200 + 24 wide and 60 + 56 + 24 tall at least.
    resizeComponent(doc, 'ns', { x: 100, y: 100, w: 600, h: 400 });
    expect(sizeOf()).toEqual({ width: 600, height: 400 });
    resizeComponent(doc, 'ns', { x: 100, y: 100, w: 100, h: 50 });
    expect(sizeOf()).toEqual({ width: 264, height: 140 });
    forgetSize(doc, 'ns');
    expect(sizeOf()).toEqual({ width: 320, height: 180 });
  });

  it('hides all but the selected components when the overview draws them', () => {
    const doc = design();
    const hidden = (nodes: CanvasNode[]) =>
      nodes.filter((node) => node.hidden).map((node) => node.id);
    expect(hidden(project(doc, [], ['web'], true))).toEqual(['ns', 'db']);
    expect(hidden(project(doc, [], ['web'], false))).toEqual([]);
  });
});

describe('topLevelBounds', () => {
  it('wraps the top-level nodes, containers included, and is empty for no nodes', () => {
    const nodes = project(design());
    const bounds = topLevelBounds(nodes);
    expect(bounds.x).toBe(100);
    expect(bounds.y).toBe(50);
    expect(bounds.x + bounds.width).toBe(900 + 200);
    expect(topLevelBounds([])).toEqual({ x: 0, y: 0, width: 0, height: 0 });
  });
});

describe('projectEdges', () => {
  const derived = derivedWith(
    inferred('net', 'edge', 'db', 'web'),
    inferred('same-labels', 'sibling', 'web', 'db'),
    inferred('inside', 'hierarchical', 'ns', 'web'),
  );

  it('draws sibling relationships only for selected components, never hierarchical ones', () => {
    expect(edgesOf(design(), derived).map((edge) => edge.id)).toEqual(['net']);
    expect(edgesOf(design(), derived, { selected: ['db'] }).map((edge) => edge.id)).toEqual([
      'net',
      'same-labels',
    ]);
  });

  it('labels edges with their type, and returns the same array when unchanged', () => {
    const doc = design();
    const edges = edgesOf(doc, derived);
    expect(edges[0]!.label).toBe('network');
    expect(edgesOf(doc, derived, { current: edges })).toBe(edges);
  });

  it('names each edge for screen readers by its ends and status, not by ids', () => {
    const doc = design();
    expect(edgesOf(doc, derived)[0]!.ariaLabel).toBe('network from db to web, inferred');
    decideRelationship(doc, 'net', 'rejected');
    expect(edgesOf(doc, derived)[0]!.ariaLabel).toBe(
      'network from db to web, inferred and rejected',
    );
  });
});
