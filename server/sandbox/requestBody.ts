/**
 * Request bodies as kube-apiserver accepts them: JSON, or YAML where the content type says so,
 * and the four PATCH formats. A body that does not parse is a 400; a format the sandbox does not
 * speak (protobuf, strategic merge on custom resources) is a 415.
 */
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest, unsupportedMediaType } from './apiStatus.js';
import type { KubeObject } from './kubeObject.js';
import { PatchError } from './patchError.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patches.js';

/** The largest body accepted, as kube-apiserver's 3 MiB request limit. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

const mediaTypeOf = (contentType: string | undefined): string =>
  (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();

const isYaml = (mediaType: string): boolean =>
  mediaType === 'application/yaml' || mediaType.endsWith('+yaml');

/** Parses a create, update or delete body; an empty body is `undefined`. */
export function parseBody(text: string, contentType: string | undefined): unknown {
  const mediaType = mediaTypeOf(contentType);
  if (text.trim() === '') return undefined;
  try {
    if (isYaml(mediaType)) return parseYaml(text, { maxAliasCount: 100 }) as unknown;
    if (mediaType === 'application/json' || mediaType.endsWith('+json')) return JSON.parse(text);
  } catch (error) {
    throw badRequest(`the request body could not be decoded: ${(error as Error).message}`);
  }
  throw unsupportedMediaType(mediaType, ['application/json', 'application/yaml']);
}

export type PatchKind = 'json' | 'merge' | 'strategic' | 'apply';

const PATCH_KINDS: Record<string, PatchKind> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** Which PATCH format a request uses; strategic merge needs a built-in kind's merge keys. */
export function patchKindOf(contentType: string | undefined, builtIn: boolean): PatchKind {
  const kind = PATCH_KINDS[mediaTypeOf(contentType)];
  if (!kind || (kind === 'strategic' && !builtIn)) {
    const accepted = Object.keys(PATCH_KINDS).filter(
      (type) => builtIn || PATCH_KINDS[type] !== 'strategic',
    );
    throw unsupportedMediaType(mediaTypeOf(contentType), accepted);
  }
  return kind;
}

/** The function that turns the stored object into the patched one. */
export function patcher(
  kind: Exclude<PatchKind, 'apply'>,
  patch: unknown,
): (current: KubeObject) => unknown {
  const apply = {
    json: applyJsonPatch,
    merge: applyMergePatch,
    strategic: applyStrategicMergePatch,
  }[kind];
  return (current) => {
    try {
      return apply(current, patch);
    } catch (error) {
      if (!(error instanceof PatchError)) throw error;
      throw new ApiError(error.code, error.reason, error.message);
    }
  };
}
