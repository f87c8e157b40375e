/**
 * Validation of the JSON bodies the designs API accepts. Unknown fields are refused, so a typo
 * such as `{"nmae": "x"}` is an error rather than a silent no-op.
 */
import { badRequest } from '../errors.js';

export interface DesignCreate {
  name: string;
  description: string;
}

export type DesignPatch = Partial<DesignCreate>;

const MAX_NAME_LENGTH = 200;
const MAX_DESCRIPTION_LENGTH = 10_000;
const FIELDS = new Set(['name', 'description']);

export function parseDesignCreate(body: unknown): DesignCreate {
  const patch = parseDesignPatch(body);
  if (patch.name === undefined) throw badRequest('invalid_body', '"name" is required');
  return { name: patch.name, description: patch.description ?? '' };
}

export function parseDesignPatch(body: unknown): DesignPatch {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('invalid_body', 'the body must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0)
    throw badRequest('invalid_body', `unknown field(s): ${unknown.join(', ')}`);
  const patch: DesignPatch = {};
  if (fields.name !== undefined) patch.name = text(fields.name, 'name', MAX_NAME_LENGTH, true);
  if (fields.description !== undefined) {
    patch.description = text(fields.description, 'description', MAX_DESCRIPTION_LENGTH, false);
  }
  return patch;
}

function text(value: unknown, field: string, maxLength: number, required: boolean): string {
  if (typeof value !== 'string') throw badRequest('invalid_body', `"${field}" must be a string`);
  const trimmed = value.trim();
  if (required && trimmed.length === 0)
    throw badRequest('invalid_body', `"${field}" must not be empty`);
  if (trimmed.length > maxLength) {
    throw badRequest('invalid_body', `"${field}" is longer than ${maxLength} characters`);
  }
  return trimmed;
}
