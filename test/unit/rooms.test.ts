import { describe, expect, it } from 'vitest';
import { parseRoomName } from '../../shared/rooms.js';

describe('room names', () => {
  it.each([
    ['designs/abc', { kind: 'design', designId: 'abc' }],
    ['designs/a-b_C9/derived', { kind: 'derived', designId: 'a-b_C9' }],
    ['clusters/sandbox', { kind: 'cluster', connectionId: 'sandbox' }],
  ])('parses %s', (name, expected) => {
    expect(parseRoomName(name)).toEqual(expected);
  });

  it.each([
    'designs',
    'designs/',
    'designs/abc/other',
    'designs/abc/derived/x',
    'clusters/a/b',
    'other/abc',
    'designs/../x',
    'designs/a b',
    `designs/${'x'.repeat(65)}`,
  ])('refuses %s', (name) => {
    expect(parseRoomName(name)).toBeUndefined();
  });
});
