import { describe, expect, it } from 'vitest';
import { NEUTRAL_COLOR, presentUser } from '../../shared/presence.js';

describe('reading a person from an awareness state', () => {
  it('takes the name and colour of the user field', () => {
    expect(presentUser({ user: { name: 'Ada', color: '#A0B1C2' }, cursor: {} })).toEqual({
      name: 'Ada',
      color: '#a0b1c2',
    });
  });

  it('cuts long names by character, never inside a surrogate pair', () => {
    const name = presentUser({ user: { name: '😀'.repeat(100), color: '#000000' } })!.name;
    expect([...name]).toHaveLength(64);
    expect(name).toBe('😀'.repeat(64));
  });

  it.each(['red', '#fff', '#12345g', 'url(x)', 42, undefined])(
    'gives a neutral colour for %j',
    (color) => {
      expect(presentUser({ user: { name: 'Ada', color } })?.color).toBe(NEUTRAL_COLOR);
    },
  );

  it.each([
    null,
    'Ada',
    {},
    { user: null },
    { user: 'Ada' },
    { user: ['Ada'] },
    { user: { color: '#ff0000' } },
    { user: { name: 7 } },
    { user: { name: '   ' } },
  ])('finds nobody in %j', (state) => {
    expect(presentUser(state)).toBeUndefined();
  });
});
