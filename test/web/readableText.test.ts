import { describe, expect, it } from 'vitest';
import { textColourOn } from '../../web/src/lib/readableText.js';

describe('text on a person’s colour', () => {
  it('is white on dark colours and near-black on light ones', () => {
    expect(textColourOn('#1b2030')).toBe('#ffffff');
    expect(textColourOn('#2f5fd0')).toBe('#ffffff');
    expect(textColourOn('#e5484d')).toBe('#0e1016');
    expect(textColourOn('#F0B44C')).toBe('#0e1016');
  });

  it('falls back to white for colours it cannot read', () => {
    expect(textColourOn('red')).toBe('#ffffff');
    expect(textColourOn('#fff')).toBe('#ffffff');
  });
});
