import type { Context } from 'hono';
import { badRequest } from '../errors.js';

/** Parses the JSON body, turning a syntax error into a 400 with a useful message. */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest('invalid_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
}
