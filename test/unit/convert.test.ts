import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  readComponentOutlines,
  readDesign,
  writeComponent,
  writeLayout,
  writeMeta,
  writeRelationship,
} from '../../shared/design/convert.js';
import type { Component, Relationship } from '../../shared/design/model.js';

const deployment: Component = {
  id: 'c1',
  model: 'kubernetes',
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  name: 'api',
  namespace: 'prod',
  labels: { app: 'api' },
  annotations: { note: 'x' },
  config: {
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'api' } },
      template: {
        spec: { containers: [{ name: 'api', image: 'api:1', ports: [{ containerPort: 80 }] }] },
      },
    },
  },
  parent: 'ns1',
};

const networkEdge: Relationship = {
  id: 'r1',
  kind: 'edge',
  type: 'non-binding',
  subType: 'network',
  from: 'c1',
  to: 'c2',
  origin: 'user',
};

describe('design conversion', () => {
  it('round-trips a design through Yjs', () => {
    const doc = new Y.Doc();
    writeMeta(doc, { name: 'shop', description: 'd', labels: { team: 'a' } });
    writeComponent(doc, deployment);
    writeLayout(doc, 'c1', { x: 1, y: 2, w: 3, h: 4 });
    writeRelationship(doc, networkEdge);
    doc.getMap('overrides').set('r9', 'rejected');
    doc.getMap('overrides').set('junk', 'maybe');

    // Through an encoded update, as another peer would see it.
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
    expect(readDesign(peer)).toEqual({
      meta: { name: 'shop', description: 'd', labels: { team: 'a' }, schema: 1 },
      components: [deployment],
      layout: { c1: { x: 1, y: 2, w: 3, h: 4 } },
      relationships: [networkEdge],
      overrides: { r9: 'rejected' },
    });
  });

  it('stores configuration as nested Yjs types so concurrent field edits merge', () => {
    const a = new Y.Doc();
    writeComponent(a, deployment);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const spec = (doc: Y.Doc) =>
      (
        doc.getMap<Y.Map<unknown>>('components').get('c1')!.get('config') as Y.Map<Y.Map<unknown>>
      ).get('spec')!;
    spec(a).set('replicas', 5);
    spec(b).set('paused', true);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    for (const doc of [a, b]) {
      expect(readDesign(doc).components[0]!.config.spec).toMatchObject({
        replicas: 5,
        paused: true,
      });
    }
    expect(spec(a).get('template')).toBeInstanceOf(Y.Map);
  });

  it('reads malformed documents with safe defaults instead of throwing', () => {
    const doc = new Y.Doc();
    doc.getMap('components').set('weird', 42);
    doc.getMap('layout').set('weird', 'left');
    doc.getMap('meta').set('name', 7);
    const design = readDesign(doc);
    expect(design.meta.name).toBe('');
    expect(design.components[0]).toMatchObject({ id: 'weird', kind: '', config: {} });
    expect(design.layout.weird).toEqual({ x: 0, y: 0 });
  });
});

describe('readComponentOutlines', () => {
  it('reads what drawing needs, and only that, with defaults for malformed entries', () => {
    const doc = new Y.Doc();
    writeComponent(doc, deployment);
    doc.getMap('components').set('broken', new Y.Map());
    doc.getMap('components').set('not-a-map', 'x');
    expect(readComponentOutlines(doc)).toEqual([
      { id: 'c1', kind: 'Deployment', name: 'api', namespace: 'prod', parent: 'ns1' },
      { id: 'broken', kind: '', name: '' },
    ]);
  });
});
