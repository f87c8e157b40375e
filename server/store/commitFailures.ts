/**
 * lmdb-js reports a failed commit by rejecting every write promise of the batch with an error
 * whose `commitError` is a second rejected promise holding the cause, and it also rejects a batch
 * promise of its own that no caller can reach. Left alone, both would end the process as
 * unhandled rejections although the writers concerned report the failure themselves (metric, log
 * line, no more acknowledgements). Every write of the store goes through `observed`, and the hub
 * process tolerates the unreachable batch promise.
 */
interface CommitFailure extends Error {
  commitError: Promise<unknown>;
}

const isCommitFailure = (reason: unknown): reason is CommitFailure =>
  reason instanceof Error && 'commitError' in reason && reason.commitError instanceof Promise;

const observeCause = (reason: unknown): void => {
  if (isCommitFailure(reason)) reason.commitError.catch(() => undefined);
};

/** The same write, its commit failure's second promise observed; it still rejects as before. */
export function observed<T>(write: Promise<T>): Promise<T> {
  return write.catch((error: unknown) => {
    observeCause(error);
    throw error;
  });
}

/** Keeps LMDB commit failures from ending the process; any other unhandled rejection still does. */
export function tolerateCommitFailures(): void {
  process.on('unhandledRejection', (reason) => {
    if (!isCommitFailure(reason)) throw reason;
    observeCause(reason);
  });
}
