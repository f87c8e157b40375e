import { describe, expect, it } from 'vitest';
import { stableHash, stableHasher } from '../../shared/relationships/hash.js';

describe('stable hashes', () => {
  it('give the same id for a text hashed whole or from a prefix hashed once', () => {
    const texts = ['', 'a', 'kubernetes/service-selects-workload\u0000', 'ünïcödé 🚀\u0000x'];
    for (const prefix of texts) {
      const hash = stableHasher(prefix);
      for (const rest of texts) expect(hash(rest)).toBe(stableHash(prefix + rest));
    }
  });

  it('keep the ids already stored in designs', () => {
    // Fixed values, as the hash has always given them: overrides are keyed by these ids.
    expect(stableHash('')).toBe('md4nos69vb');
    expect(stableHash('kubernetes/service-selects-workload\u0000a\u0000b')).toBe('16it74527lj');
    expect(stableHash('ünïcödé 🚀')).toBe('aejphasa5b');
  });
});
