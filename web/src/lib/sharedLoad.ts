/**
 * `load` run at most once at a time, its promise shared by every caller. A rejected promise is
 * forgotten, so the next call tries again (the hub may have come back).
 */
export function sharedLoad<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      pending = load();
      pending.catch(() => (pending = undefined));
    }
    return pending;
  };
}
