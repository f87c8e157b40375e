/**
 * Ids of designs, components and drawn relationships: 12 URL-safe random characters (9 random
 * bytes), enough that ids never collide in practice. The hub and the browser make them alike,
 * with the Web Crypto API both have.
 */
const ID_BYTES = 9;

export function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(ID_BYTES));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_');
}
