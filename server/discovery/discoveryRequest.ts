/**
 * Validation of `POST /api/connections/:id/import` bodies:
 * `{namespaces?, labelSelector?, kinds?, name?}`, every field optional (an empty body imports
 * everything discovery reads). The label selector's syntax is the cluster's to judge: it goes
 * to the list calls as it is, and a cluster refusing it is a 400 too.
 */
import { objectWith, textField } from '../bodyFields.js';
import { badRequest } from '../errors.js';
import { IMPORTED_KINDS, type ImportedKind } from './importedKinds.js';

export interface DiscoveryRequest {
  /**
   * The namespaces namespaced kinds are read from, whose Namespace objects are imported too;
   * when left out, every namespace but the system ones.
   */
  namespaces?: ReadonlySet<string>;
  /** A Kubernetes label selector (`app=web,tier!=cache`) every list call passes on. */
  labelSelector: string;
  kinds: readonly ImportedKind[];
  /** The new design's name; a default names the connection. */
  name?: string;
}

const FIELDS = new Set(['namespaces', 'labelSelector', 'kinds', 'name']);
const MAX_NAME_LENGTH = 200;
/** Far more than a selector a person writes; the API server allows no more in a URL anyway. */
const MAX_SELECTOR_LENGTH = 4_096;
const MAX_LIST_LENGTH = 1_000;
/** Namespace names are DNS labels. */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function parseDiscoveryRequest(body: unknown): DiscoveryRequest {
  const fields = objectWith(body, FIELDS);
  const request: DiscoveryRequest = {
    labelSelector:
      fields.labelSelector === undefined
        ? ''
        : textField(fields.labelSelector, 'labelSelector', MAX_SELECTOR_LENGTH, false),
    kinds: fields.kinds === undefined ? IMPORTED_KINDS : kindsNamed(fields.kinds),
  };
  if (fields.namespaces !== undefined) {
    const names = stringList(fields.namespaces, 'namespaces');
    const invalid = names.filter((name) => !NAMESPACE_NAME.test(name));
    if (invalid.length > 0) {
      throw badRequest('invalid_body', `not namespace names: ${quoted(invalid)}`);
    }
    request.namespaces = new Set(names);
  }
  if (fields.name !== undefined) {
    request.name = textField(fields.name, 'name', MAX_NAME_LENGTH, true);
  }
  return request;
}

/** The kinds `value` names, in discovery's order; a name it does not import is a 400. */
function kindsNamed(value: unknown): ImportedKind[] {
  const names = new Set(stringList(value, 'kinds'));
  const unknown = [...names].filter((name) => !IMPORTED_KINDS.some(({ kind }) => kind === name));
  if (unknown.length > 0) {
    const importable = IMPORTED_KINDS.map(({ kind }) => kind).join(', ');
    throw badRequest(
      'unknown_kind',
      `discovery does not import ${quoted(unknown)}; it imports ${importable}`,
    );
  }
  return IMPORTED_KINDS.filter(({ kind }) => names.has(kind));
}

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw badRequest('invalid_body', `"${field}" must be a list of strings`);
  }
  if (value.length === 0) {
    throw badRequest('invalid_body', `"${field}" must not be empty: leave it out to mean all`);
  }
  if (value.length > MAX_LIST_LENGTH) {
    throw badRequest('invalid_body', `"${field}" has more than ${MAX_LIST_LENGTH} entries`);
  }
  return value as string[];
}

const quoted = (names: readonly string[]): string =>
  names.map((name) => JSON.stringify(name)).join(', ');
