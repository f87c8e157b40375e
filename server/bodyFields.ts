/**
 * Checks shared by the API's JSON bodies. Unknown fields are refused, so a typo such as
 * `{"nmae": "x"}` is an error rather than a silent no-op.
 */
import { badRequest } from './errors.js';

/** `body` as an object holding only `fields`; throws 400 `invalid_body` otherwise. */
export function objectWith(body: unknown, fields: ReadonlySet<string>): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('invalid_body', 'the body must be a JSON object');
  }
  const unknown = Object.keys(body).filter((key) => !fields.has(key));
  if (unknown.length > 0) {
    throw badRequest('invalid_body', `unknown field(s): ${unknown.join(', ')}`);
  }
  return body as Record<string, unknown>;
}

/** `value` as a trimmed string of at most `maxLength` characters (not empty if `required`). */
export function textField(
  value: unknown,
  field: string,
  maxLength: number,
  required: boolean,
): string {
  if (typeof value !== 'string') throw badRequest('invalid_body', `"${field}" must be a string`);
  const trimmed = value.trim();
  if (required && trimmed.length === 0)
    throw badRequest('invalid_body', `"${field}" must not be empty`);
  if (trimmed.length > maxLength) {
    throw badRequest('invalid_body', `"${field}" is longer than ${maxLength} characters`);
  }
  return trimmed;
}
