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

export function stableHash(text: string): string {
  let first = FNV_OFFSET;
  let second = SECOND_OFFSET;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    first = Math.imul(first ^ code, FNV_PRIME);
    second = Math.imul(second ^ code, FNV_PRIME);
  }
  // 32 bits of one and 20 of the other: 52 bits, exact in a double, printed once.
  return ((first >>> 0) * 0x100000 + (second >>> 12)).toString(36);
}
