/**
 * Whether a request asks for server-side printing. kubectl does it in the `Accept` header,
 * `application/json;as=Table;v=v1;g=meta.k8s.io, …, application/json` (a Table if the server
 * can, the plain object otherwise), and says with `?includeObject=` what each row carries.
 */
import { badRequest } from '../apiStatus.js';

/** The `meta.k8s.io` versions of Table served; kubectl asks for v1, older clients v1beta1. */
const TABLE_VERSIONS = ['v1', 'v1beta1'] as const;
/** One of `TABLE_VERSIONS`. */
export type TableVersion = (typeof TABLE_VERSIONS)[number];

/** The values `?includeObject=` takes. */
const INCLUDE_OBJECT = ['None', 'Metadata', 'Object'] as const;
/** None: no object; Metadata (the default): a `PartialObjectMetadata`; Object: all of it. */
export type IncludeObject = (typeof INCLUDE_OBJECT)[number];

/** A request for server-side printing: which Table version, and what each row carries. */
export interface TableRequest {
  version: TableVersion;
  includeObject: IncludeObject;
}

interface MediaRange {
  type: string;
  params: Map<string, string>;
  quality: number;
}

/** `application/json;as=Table;v=v1` → its type, lower-cased, and parameters. */
function parseRange(text: string): MediaRange {
  const [type = '', ...rest] = text.split(';').map((part) => part.trim());
  const params = new Map<string, string>();
  for (const param of rest) {
    const [key = '', value = ''] = param.split('=').map((part) => part.trim());
    params.set(key.toLowerCase(), value.replace(/^"(.*)"$/, '$1'));
  }
  const quality = params.has('q') ? Number(params.get('q')) : 1;
  return { type: type.toLowerCase(), params, quality: Number.isNaN(quality) ? 0 : quality };
}

/** The Table version a range asks for, if it asks for one the sandbox serves. */
function tableVersionOf(range: MediaRange): TableVersion | undefined {
  const { params } = range;
  if (params.get('as') !== 'Table' || params.get('g') !== 'meta.k8s.io') return undefined;
  if (range.type !== 'application/json' && range.type !== '*/*') return undefined;
  return TABLE_VERSIONS.find((version) => version === params.get('v'));
}

/** Any form of JSON, the default answer. */
const isPlain = (range: MediaRange): boolean =>
  !range.params.has('as') && ['application/json', 'application/*', '*/*'].includes(range.type);

/**
 * What printing the request asks for, or `undefined` for the plain object. Ranges are taken
 * by quality, then in order; the first the sandbox can serve decides. Ranges it cannot serve
 * (YAML, protobuf, other `as=` forms) are passed over, so such clients get JSON as before.
 */
export function tableRequest(
  accept: string | undefined,
  includeObject: string | undefined,
): TableRequest | undefined {
  if (!accept) return undefined;
  const ranges = accept
    .split(',')
    .map(parseRange)
    .filter((range) => range.quality > 0)
    .sort((a, b) => b.quality - a.quality);
  for (const range of ranges) {
    const version = tableVersionOf(range);
    if (version) return { version, includeObject: includeObjectOf(includeObject) };
    if (isPlain(range)) return undefined;
  }
  return undefined;
}

function includeObjectOf(value: string | undefined): IncludeObject {
  if (value === undefined || value === '') return 'Metadata';
  const known = INCLUDE_OBJECT.find((option) => option === value);
  if (!known) throw badRequest(`unrecognized includeObject value: ${JSON.stringify(value)}`);
  return known;
}

/** The Content-Type of a Table answer: `application/json;as=Table;v=v1;g=meta.k8s.io`. */
export const tableContentType = ({ version }: TableRequest): string =>
  `application/json;as=Table;v=${version};g=meta.k8s.io`;
