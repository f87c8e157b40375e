/**
 * localStorage that never throws: inside a cross-origin frame (the embed widget) browsers may
 * deny storage, and then choices simply are not remembered.
 */
export function readStored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Not remembered; the choice still applies to this page.
  }
}
