/**
 * Why a PATCH cannot apply, with the `Status` code and reason kube-apiserver answers, so that
 * kubectl prints what it prints against a real cluster.
 */

/** The `Status` reasons a patch fails with: a malformed document, or one that does not apply. */
export type PatchErrorReason = 'BadRequest' | 'Invalid';

const CODE_OF: Record<PatchErrorReason, 400 | 422> = { BadRequest: 400, Invalid: 422 };

/**
 * kube-apiserver's whole message when a JSON patch does not apply (a failed `test`, a missing
 * path): it drops the reason, so `kubectl patch --type=json` prints
 * `The request is invalid: the server rejected our request due to an error in our request`.
 */
export const PATCH_REJECTED = 'the server rejected our request due to an error in our request';

/**
 * A patch the API server refuses. `code` and `reason` are the `Status` fields to answer with,
 * `message` is worded as kube-apiserver words it, and `detail` says what exactly was wrong (the
 * same as `message` except for a JSON patch that does not apply, where kube-apiserver hides it).
 */
export class PatchError extends Error {
  readonly code: 400 | 422;
  readonly detail: string;

  constructor(
    message: string,
    readonly reason: PatchErrorReason,
    detail?: string,
  ) {
    super(message);
    this.name = 'PatchError';
    this.code = CODE_OF[reason];
    this.detail = detail ?? message;
  }
}
