/**
 * Kubernetes `Status` errors. Clients branch on `code` and `reason` (client-node's informer relists
 * on 410, kubectl prints `message` and retries on 409 Conflict), so each one here carries the
 * reason and wording kube-apiserver uses for the same situation.
 */
import { groupResourceOf, type ResourceType } from './resourceTypes.js';

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The `Status` object of this error, as the body of a response or of a watch `ERROR` event. */
  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

type Named = Pick<ResourceType, 'group' | 'plural'>;

const detailsOf = (type: Named, name: string): StatusDetails => ({
  name,
  ...(type.group ? { group: type.group } : {}),
  kind: type.plural,
});

export const notFound = (type: Named, name: string): ApiError =>
  new ApiError(
    404,
    'NotFound',
    `${groupResourceOf(type)} "${name}" not found`,
    detailsOf(type, name),
  );

/** A path that names no served resource (an unknown kind, group or version). */
export const noSuchResource = (): ApiError =>
  new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});

export const alreadyExists = (type: Named, name: string): ApiError =>
  new ApiError(
    409,
    'AlreadyExists',
    `${groupResourceOf(type)} "${name}" already exists`,
    detailsOf(type, name),
  );

/** An update based on a stale `resourceVersion`: the client must read again and retry. */
export const conflict = (type: Named, name: string, why: string): ApiError =>
  new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${groupResourceOf(type)} "${name}": ${why}`,
    detailsOf(type, name),
  );

export const STALE_OBJECT =
  'the object has been modified; please apply your changes to the latest version and try again';

/** A `422 Invalid`: `Deployment.apps "web" is invalid: spec.selector: Required value`. */
export const invalid = (
  type: Pick<ResourceType, 'group' | 'kind'>,
  name: string,
  causes: StatusCause[],
): ApiError => {
  const qualifiedKind = type.group ? `${type.kind}.${type.group}` : type.kind;
  const summary = causes.map((cause) => `${cause.field}: ${cause.message}`).join(', ');
  return new ApiError(
    422,
    'Invalid',
    `${qualifiedKind} "${name}" is invalid: ${causes.length > 1 ? `[${summary}]` : summary}`,
    { name, ...(type.group ? { group: type.group } : {}), kind: type.kind, causes },
  );
};

export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);

export const requestTooLarge = (limit: number): ApiError =>
  new ApiError(413, 'RequestEntityTooLarge', `the request body is larger than ${limit} bytes`);

export const unauthorized = (): ApiError => new ApiError(401, 'Unauthorized', 'Unauthorized');

export const methodNotAllowed = (): ApiError =>
  new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );

/** A watch or list from a `resourceVersion` whose history the sandbox no longer keeps. */
export const expired = (message: string): ApiError => new ApiError(410, 'Expired', message);

/** A body format the sandbox does not decode, such as the protobuf of kubectl's typed clients. */
export const unsupportedMediaType = (contentType: string, accepted: readonly string[]): ApiError =>
  new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')} (got ${contentType})`,
  );

/** `field: Invalid value: "x": why`, the message of one cause of a 422. */
export const invalidValue = (field: string, value: unknown, why: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${why}`,
  field,
});

export const requiredValue = (field: string, why = ''): StatusCause => ({
  reason: 'FieldValueRequired',
  message: why ? `Required value: ${why}` : 'Required value',
  field,
});

/** `field: Unsupported value: "x": supported values: "a", "b"`: a value outside an enum. */
export const notSupported = (field: string, value: unknown, supported: string[]): StatusCause => ({
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((text) => JSON.stringify(text)).join(', ')}`,
  field,
});

/** `field: Duplicate value: "x"`: a value that must be unique among its siblings. */
export const duplicateValue = (field: string, value: unknown): StatusCause => ({
  reason: 'FieldValueDuplicate',
  message: `Duplicate value: ${JSON.stringify(value)}`,
  field,
});
