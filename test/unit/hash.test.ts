import { describe, expect, it } from 'vitest';
import { relationshipId } from '../../shared/relationships/engine.js';
import { stableHasher } from '../../shared/relationships/hash.js';

const whole = (text: string) => stableHasher('')(text);

describe('stable hashes', () => {
  it('give the same id for a text hashed whole or from a prefix hashed once', () => {
    const texts = ['', 'a', 'kubernetes/service-selects-workload\u0000', 'ünïcödé 🚀\u0000x'];
    for (const prefix of texts) {
      const hash = stableHasher(prefix);
      for (const rest of texts) expect(hash(rest)).toBe(whole(prefix + rest));
    }
  });

  it('keep the ids already stored in designs', () => {
    // Fixed values, as the hash has always given them: overrides are keyed by these ids.
    expect(whole('')).toBe('md4nos69vb');
    expect(whole('ünïcödé 🚀')).toBe('aejphasa5b');
    expect(relationshipId('kubernetes/service-selects-workload', 'a', 'b')).toBe('16it74527lj');
  });
});
