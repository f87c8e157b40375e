import { describe, expect, it } from 'vitest';
import { isLabelValue, newId } from '../../shared/ids.js';
import { isValidId } from '../../shared/rooms.js';

describe('newId', () => {
  it('makes 12 URL-safe characters that rooms accept and labels can hold, different every time', () => {
    const ids = Array.from({ length: 2_000 }, newId);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{10}[A-Za-z0-9]$/);
      expect(isValidId(id)).toBe(true);
      expect(isLabelValue(id)).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('isLabelValue', () => {
  it('accepts what Kubernetes accepts as a label value, and nothing else', () => {
    for (const good of ['', 'a', 'a-b_c.d', 'A1', 'x'.repeat(63)])
      expect(isLabelValue(good)).toBe(true);
    for (const bad of ['-a', 'a-', '_a', 'a.', 'a b', 'a/b', 'x'.repeat(64)]) {
      expect(isLabelValue(bad)).toBe(false);
    }
  });
});
