/**
 * What a policy's entrypoints must return, checked. OPA hands back a result set,
 * `[{"result": value}]` (empty when the rule is undefined), and the value must be a list:
 * `weft/findings` of `{component, check?, severity?, message}`, `weft/relationships` of
 * `{from, to, kind, type, subType}`. Anything else fails the policy with a message that says
 * what came back instead.
 */
import type { Severity } from '../../shared/checks/bestPractices.js';
import { isJsonObject, type JsonObject } from '../../shared/design/model.js';
import { RELATIONSHIP_KINDS } from '../../shared/relationships/definition.js';
import { PolicyFailure } from './policyRunner.js';

export interface PolicyFinding {
  component: string;
  check: string | null;
  severity: Severity;
  message: string;
}

export interface PolicyRelationship {
  from: string;
  to: string;
  kind: string;
  type: string;
  subType: string;
}

const SEVERITIES = new Set<unknown>(['error', 'warning', 'info']);
/** A policy that says nothing about severity is reporting an error. */
const DEFAULT_SEVERITY: Severity = 'error';

export function findingsOf(resultSet: unknown): PolicyFinding[] {
  return listOf(resultSet, 'weft/findings', '{component, check?, severity?, message}', (entry) =>
    typeof entry.component === 'string' &&
    typeof entry.message === 'string' &&
    (entry.check === undefined || typeof entry.check === 'string') &&
    (entry.severity === undefined || SEVERITIES.has(entry.severity))
      ? {
          component: entry.component,
          check: (entry.check as string | undefined) ?? null,
          severity: (entry.severity as Severity | undefined) ?? DEFAULT_SEVERITY,
          message: entry.message,
        }
      : null,
  );
}

export function relationshipsOf(resultSet: unknown): PolicyRelationship[] {
  const kinds: readonly unknown[] = RELATIONSHIP_KINDS;
  return listOf(resultSet, 'weft/relationships', '{from, to, kind, type, subType}', (entry) =>
    typeof entry.from === 'string' &&
    typeof entry.to === 'string' &&
    kinds.includes(entry.kind) &&
    typeof entry.type === 'string' &&
    typeof entry.subType === 'string'
      ? {
          from: entry.from,
          to: entry.to,
          kind: entry.kind as string,
          type: entry.type,
          subType: entry.subType,
        }
      : null,
  );
}

/** The list a result set holds, each entry read by `read` (null when it has the wrong shape). */
function listOf<T>(
  resultSet: unknown,
  entrypoint: string,
  shape: string,
  read: (entry: JsonObject) => T | null,
): T[] {
  const fail = (what: string, value: unknown) => {
    const text = JSON.stringify(value) ?? String(value);
    const quoted = text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text;
    return new PolicyFailure(`${entrypoint} returned ${what}: ${quoted}`);
  };
  if (!Array.isArray(resultSet)) throw fail('a result set that is not a list', resultSet);
  if (resultSet.length === 0) return [];
  const [first] = resultSet as unknown[];
  if (!isJsonObject(first) || !('result' in first)) {
    throw fail('a result set without a result', resultSet);
  }
  const value = first.result;
  if (!Array.isArray(value)) throw fail(`something other than a list of ${shape}`, value);
  return value.map((entry, index) => {
    const parsed = isJsonObject(entry) ? read(entry) : null;
    if (parsed === null) throw fail(`entry ${index} that is not ${shape}`, entry);
    return parsed;
  });
}

const MAX_QUOTED_CHARS = 80;
