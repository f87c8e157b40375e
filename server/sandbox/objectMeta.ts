/**
 * What the API server does to `metadata` on every write, whatever the kind: checks names, fills
 * `generateName`, assigns `uid` and timestamps on create, and carries the fields clients may not
 * change across an update.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { invalidValue, requiredValue, type StatusCause } from './apiStatus.js';
import { isPlainObject, timestamp, type KubeObject, type ObjectMeta } from './kubeObject.js';
import type { ResourceType } from './resourceTypes.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const LABEL_RULE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_RULE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** Namespaces and Services become DNS labels; every other kind's name is a DNS subdomain. */
const usesDnsLabel = (type: ResourceType): boolean =>
  type.group === '' && (type.kind === 'Namespace' || type.kind === 'Service');

/** Why `name` cannot name an object of `type`, or `[]`. */
export function nameProblems(type: ResourceType, name: string): StatusCause[] {
  const field = 'metadata.name';
  if (usesDnsLabel(type)) {
    if (name.length > 63) return [invalidValue(field, name, 'must be no more than 63 characters')];
    return DNS_LABEL.test(name) ? [] : [invalidValue(field, name, LABEL_RULE)];
  }
  if (name.length > 253) return [invalidValue(field, name, 'must be no more than 253 characters')];
  return DNS_SUBDOMAIN.test(name) ? [] : [invalidValue(field, name, SUBDOMAIN_RULE)];
}

/** The alphabet of generated name suffixes: no vowels (no words), no look-alike characters. */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATE_NAME_PREFIX = 58;

/** `web-` → `web-x7k2q`, the prefix cut short so that the result still fits a name. */
export function generatedName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return prefix.slice(0, MAX_GENERATE_NAME_PREFIX) + suffix;
}

/** Checks of `metadata` that hold for every kind: the map fields are maps of strings. */
export function metadataProblems(metadata: ObjectMeta): StatusCause[] {
  const problems: StatusCause[] = [];
  for (const field of ['labels', 'annotations'] as const) {
    const value = metadata[field];
    if (value === undefined || value === null) continue;
    if (!isPlainObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
      problems.push(invalidValue(`metadata.${field}`, value, 'must be a map of string to string'));
    }
  }
  if (!metadata.name && !metadata.generateName) {
    problems.push(requiredValue('metadata.name', 'name or generateName is required'));
  }
  return problems;
}

/** The server-owned fields of a new object's metadata. */
export function metadataForCreate(metadata: ObjectMeta, now = new Date()): ObjectMeta {
  const { resourceVersion: _ignored, deletionTimestamp: _alsoIgnored, ...rest } = metadata;
  return {
    ...rest,
    name: metadata.name || generatedName(metadata.generateName ?? ''),
    uid: randomUUID(),
    creationTimestamp: timestamp(now),
    generation: 1,
  };
}

/**
 * An update's metadata: what the client sent, except the fields only the server sets, which
 * keep their stored values. `generation` moves on when anything outside metadata and status did.
 */
export function metadataForUpdate(
  stored: KubeObject,
  incoming: ObjectMeta,
  specChanged: boolean,
): ObjectMeta {
  const previous = stored.metadata;
  const {
    deletionTimestamp: _ignored,
    deletionGracePeriodSeconds: _alsoIgnored,
    ...rest
  } = incoming;
  return {
    ...rest,
    name: previous.name,
    ...(previous.namespace !== undefined ? { namespace: previous.namespace } : {}),
    uid: previous.uid,
    creationTimestamp: previous.creationTimestamp,
    generation: (previous.generation ?? 1) + (specChanged ? 1 : 0),
    ...(previous.deletionTimestamp
      ? {
          deletionTimestamp: previous.deletionTimestamp,
          deletionGracePeriodSeconds: previous.deletionGracePeriodSeconds,
        }
      : {}),
  };
}
