/**
 * What went wrong with a request to a cluster, in words a person can act on: the API server's
 * own `Status` message and the fields it names, or the network error's cause rather than a
 * generic "fetch failed".
 */
import { ApiException } from '@kubernetes/client-node';
import type { FieldProblem } from '../../shared/deploy/deployment.js';

export interface ClusterFailure {
  message: string;
  /** The HTTP status the API server answered with; undefined when it never answered. */
  code?: number;
  /** `409` from server-side apply: fields another manager owns. */
  conflict: boolean;
  problems: FieldProblem[];
  /** What a `404` says is missing (`{kind: 'namespaces', name: 'shop'}`). */
  missing?: { kind: string; name: string };
}

/** Long bodies (an HTML page from a proxy) are cut to this. */
const MAX_MESSAGE_LENGTH = 500;

interface StatusBody {
  message?: unknown;
  reason?: unknown;
  details?: {
    kind?: unknown;
    name?: unknown;
    causes?: { reason?: unknown; message?: unknown; field?: unknown }[];
  };
}

export function clusterFailure(error: unknown): ClusterFailure {
  if (error instanceof ApiException) {
    const status = statusOf(error.body);
    const details = status?.details;
    const causes = details?.causes ?? [];
    const missing =
      error.code === 404 && typeof details?.kind === 'string' && typeof details.name === 'string'
        ? { kind: details.kind, name: details.name }
        : undefined;
    return {
      ...(missing ? { missing } : {}),
      message: oneLine(typeof status?.message === 'string' ? status.message : error.message),
      code: error.code,
      conflict: error.code === 409 && status?.reason === 'Conflict' && causes.length > 0,
      problems: causes.flatMap((cause) =>
        typeof cause.field === 'string' && cause.field !== ''
          ? [
              {
                field: cause.field,
                path: componentPath(cause.field),
                message: oneLine(String(cause.message ?? cause.reason ?? '')),
              },
            ]
          : [],
      ),
    };
  }
  return { message: networkMessage(error), conflict: false, problems: [] };
}

/**
 * A one-line reason for an error that never reached the API server: the innermost cause
 * (`connect ECONNREFUSED 127.0.0.1:6443`), which is what a person can act on; the wrappers
 * around it ("fetch failed", "Failed to fetch resource metadata") say only that it failed.
 */
function networkMessage(error: unknown): string {
  if (!(error instanceof Error)) return oneLine(String(error));
  if (isTimeout(error)) return 'the cluster did not answer in time';
  let innermost = error;
  while (innermost.cause instanceof Error) innermost = innermost.cause;
  return oneLine(innermost.message);
}

/** Whether a request was given up because its signal's time ran out. */
export const isTimeout = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'TimeoutError' || (error.cause as Error | undefined)?.name === 'TimeoutError');

/** Where an API field lives in a component: metadata has fields of its own, the rest is config. */
function componentPath(field: string): string {
  const path = field.replace(/^\./, '');
  const own = /^metadata\.(name|namespace|labels|annotations)(.*)$/.exec(path);
  if (own) return `${own[1]}${own[2]}`;
  return path.startsWith('metadata.') ? path : `config.${path}`;
}

function statusOf(body: unknown): StatusBody | undefined {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return undefined;
    }
  }
  return typeof body === 'object' && body !== null ? (body as StatusBody) : undefined;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE_LENGTH ? `${line.slice(0, MAX_MESSAGE_LENGTH)}…` : line;
}
