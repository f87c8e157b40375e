import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { covers, isSaved } from '../../shared/messages.js';

describe('acknowledgement coverage', () => {
  it('counts a document’s own edits as saved only once the durable state vector holds them', () => {
    const doc = new Y.Doc();
    const empty = Y.encodeStateVector(doc);
    doc.getMap('meta').set('name', 'shop');
    expect(isSaved(doc, empty)).toBe(false);
    expect(isSaved(doc, Y.encodeStateVector(doc))).toBe(true);
  });

  it('ignores edits that came from others', () => {
    const other = new Y.Doc();
    other.getMap('meta').set('name', 'shop');
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    expect(isSaved(doc, Y.encodeStateVector(new Y.Doc()))).toBe(true);
  });

  it('holds each client to the clock asked for, such as edits restored from a local copy', () => {
    const restored = new Y.Doc();
    restored.getMap('meta').set('name', 'shop');
    const earlier = Y.encodeStateVector(restored);
    restored.getMap('meta').set('name', 'shop, renamed offline');
    const clocks = Y.decodeStateVector(Y.encodeStateVector(restored));
    expect(covers(earlier, clocks)).toBe(false);
    expect(covers(Y.encodeStateVector(restored), clocks)).toBe(true);
    expect(covers(earlier, new Map())).toBe(true);
  });
});
