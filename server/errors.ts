/**
 * Domain errors carry a stable `code` and the HTTP status they map to; the HTTP layer turns them
 * into `{error:{code,message}}` in one place.
 */
export type ErrorStatus = 400 | 404 | 409 | 413 | 415 | 422 | 500 | 502 | 503;

export class HubError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HubError';
  }
}

export const badRequest = (code: string, message: string): HubError =>
  new HubError(400, code, message);

export const notFound = (what: string, id: string): HubError =>
  new HubError(404, 'not_found', `${what} ${JSON.stringify(id)} does not exist`);

export const shuttingDown = (): HubError =>
  new HubError(503, 'shutting_down', 'the hub is shutting down');
