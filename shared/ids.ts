/**
 * Ids of designs, components and drawn relationships: 12 URL-safe random characters (9 random
 * bytes), enough that ids never collide in practice. The hub and the browser make them alike,
 * with the Web Crypto API both have.
 *
 * An id starts and ends with a letter or digit, so that it is also a valid Kubernetes label
 * value: deployed objects carry their design's id as the label `weft.dev/design`.
 */
const ID_BYTES = 9;

export function newId(): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(ID_BYTES));
    const id = btoa(String.fromCharCode(...bytes))
      .replaceAll('+', '-')
      .replaceAll('/', '_');
    if (isLabelValue(id)) return id;
  }
}

/** Whether `text` can be a Kubernetes label value (63 characters at most). */
export const isLabelValue = (text: string): boolean =>
  /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/.test(text);
