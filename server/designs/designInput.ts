/**
 * Validation of the JSON bodies the designs API accepts.
 */
import { objectWith, textField } from '../bodyFields.js';
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
  const fields = objectWith(body, FIELDS);
  const patch: DesignPatch = {};
  if (fields.name !== undefined) {
    patch.name = textField(fields.name, 'name', MAX_NAME_LENGTH, true);
  }
  if (fields.description !== undefined) {
    patch.description = textField(fields.description, 'description', MAX_DESCRIPTION_LENGTH, false);
  }
  return patch;
}
