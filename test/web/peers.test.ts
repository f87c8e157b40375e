import { describe, expect, it } from 'vitest';
import {
  comingsAndGoings,
  peerOf,
  remoteSelections,
  type Peer,
} from '../../web/src/editor/peers.js';

const ada = (fields: Record<string, unknown>): Peer =>
  peerOf(1, { user: { name: 'Ada', color: '#ff0000' }, ...fields })!;
const grace = (fields: Record<string, unknown>): Peer =>
  peerOf(2, { user: { name: 'Grace', color: '#0090ff' }, ...fields })!;

describe('other people in a design', () => {
  it('reads only well-formed fields of an awareness state', () => {
    expect(peerOf(3, { cursor: { x: 1, y: 2 } })).toBeUndefined();
    expect(
      peerOf(3, {
        user: { name: 'Lin', color: '#00aa00' },
        cursor: { x: '1', y: 2 },
        selection: ['a', 4, 'b'],
        viewport: { x: 0, y: 0 },
      }),
    ).toEqual({
      clientId: 3,
      name: 'Lin',
      color: '#00aa00',
      cursor: undefined,
      selection: ['a', 'b'],
      viewport: undefined,
    });
  });

  it('lists who has each component selected', () => {
    const selections = remoteSelections(
      [ada({ selection: ['web', 'db'] }), grace({ selection: ['web'] })],
      new Map(),
    );
    expect([...selections]).toEqual([
      [
        'web',
        [
          { name: 'Ada', color: '#ff0000' },
          { name: 'Grace', color: '#0090ff' },
        ],
      ],
      ['db', [{ name: 'Ada', color: '#ff0000' }]],
    ]);
  });

  // A collaborator panning sends a new viewport every frame; redrawing 1,000 components for
  // each would be work in proportion to the design on every other page.
  it('keeps the same selections while only pointers and viewports move', () => {
    const first = remoteSelections(
      [ada({ selection: ['web'], cursor: { x: 0, y: 0 } })],
      new Map(),
    );
    const moved = remoteSelections(
      [ada({ selection: ['web'], cursor: { x: 50, y: 9 }, viewport: { x: 3, y: 4, zoom: 2 } })],
      first,
    );
    expect(moved).toBe(first);
    expect(remoteSelections([ada({ selection: ['db'] })], first)).not.toBe(first);
    expect(
      remoteSelections([ada({ selection: ['web'] }), grace({ selection: ['web'] })], first),
    ).not.toBe(first);
    expect(remoteSelections([], first)).toEqual(new Map());
  });

  it('tells who came and who went, and nothing when only pointers moved', () => {
    expect(comingsAndGoings([ada({})], [ada({}), grace({})])).toEqual(['Grace joined']);
    expect(comingsAndGoings([ada({}), grace({})], [grace({})])).toEqual(['Ada left']);
    expect(comingsAndGoings([ada({})], [grace({})])).toEqual(['Grace joined', 'Ada left']);
    expect(
      comingsAndGoings([ada({ cursor: { x: 1, y: 1 } })], [ada({ cursor: { x: 9, y: 9 } })]),
    ).toEqual([]);
  });
});
