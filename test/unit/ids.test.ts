import { describe, expect, it } from 'vitest';
import { newId } from '../../shared/ids.js';
import { isValidId } from '../../shared/rooms.js';

describe('newId', () => {
  it('makes 12 URL-safe characters that rooms accept, different every time', () => {
    const ids = Array.from({ length: 2_000 }, newId);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/);
      expect(isValidId(id)).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
