/**
 * A stable 52-bit string hash for ids: two FNV-1a hashes of the UTF-16 code units with
 * different starting values, computed in one loop, combined and printed in base 36. The same
 * input gives the same id in Node and in the browser, with no dependency; at design sizes
 * collisions are not a concern.
 */
const FNV_PRIME = 16777619;
const FNV_OFFSET = 2166136261;
/** Any other start makes the second pass independent enough of the first. */
const SECOND_OFFSET = 0x9e3779b9;

/** The two running hashes. */
type HashState = readonly [first: number, second: number];

const START: HashState = [FNV_OFFSET, SECOND_OFFSET];

function extend([start1, start2]: HashState, text: string): HashState {
  let first = start1;
  let second = start2;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    first = Math.imul(first ^ code, FNV_PRIME);
    second = Math.imul(second ^ code, FNV_PRIME);
  }
  return [first, second];
}

// 32 bits of one and 20 of the other: 52 bits, exact in a double, printed once.
const print = ([first, second]: HashState): string =>
  ((first >>> 0) * 0x100000 + (second >>> 12)).toString(36);

/**
 * Hashes texts that begin with `prefix`, the common beginning hashed once: `stableHasher(a)(b)`
 * is the hash of `a + b`, whatever the split.
 */
export function stableHasher(prefix: string): (rest: string) => string {
  const state = extend(START, prefix);
  return (rest) => print(extend(state, rest));
}
