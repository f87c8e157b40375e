/**
 * Meshery relationship definitions (`relationships.meshery.io` v1alpha3 and v1beta1) converted
 * into our definition format. What the format cannot express is refused with the reason and
 * the field, never approximated.
 *
 * How a Meshery selector maps:
 * - `allow.from` / `allow.to` → `from` / `to` (kind, and model by name; absent = `*`);
 * - `deny.from` / `deny.to` → `deny`;
 * - the `patch.mutatorRef` paths of one side and the `patch.mutatedRef` paths of the other pair
 *   up in order: each pair is a match (Meshery relates components whose values there agree,
 *   compared by `match_strategy_matrix` when given, else `equal`), and a single pair is also
 *   our patch, copying the mutator's value to the mutated side;
 * - paths: `configuration.metadata.{name,namespace,labels,annotations}` → the component's own
 *   fields, `configuration.<rest>` → `config.<rest>`, `displayName` / `name` / `namespace` /
 *   `id` as they are; `_` keeps its meaning (any array item).
 */
import {
  DefinitionError,
  parseDefinitions,
  type Match,
  type MatchStrategy,
  type RelationshipDefinition,
} from './definition.js';
import { asJsonObject, isJsonObject } from '../design/model.js';

const SCHEMA_VERSIONS = ['relationships.meshery.io/v1alpha3', 'relationships.meshery.io/v1beta1'];

const STRATEGIES: Record<string, MatchStrategy> = {
  equal: 'equal',
  equal_as_strings: 'equal-as-strings',
  to_contains_from: 'to-contains-from',
  not_null: 'not-null',
};

const METADATA_FIELDS = new Set(['name', 'namespace', 'labels', 'annotations']);

type Json = Record<string, unknown>;

/**
 * Converts one Meshery relationship (or an array of them) into definitions, one per selector.
 * @param source names the file or upload in error messages.
 */
export function importMesheryRelationships(
  input: unknown,
  source: string,
): RelationshipDefinition[] {
  const list = Array.isArray(input) ? input : [input];
  const converted = list.flatMap((relationship, index) =>
    convertRelationship(relationship, source, `[${index}]`),
  );
  // Whatever we produced must pass our own checks, like any other definition file.
  return parseDefinitions(converted, source);
}

function convertRelationship(value: unknown, source: string, at: string): unknown[] {
  const fail = (field: string, problem: string) =>
    new DefinitionError(source, `${at}${field}`, problem);
  if (!isJsonObject(value)) throw fail('', 'must be an object');
  if (typeof value.schemaVersion !== 'string' || !SCHEMA_VERSIONS.includes(value.schemaVersion)) {
    throw fail('.schemaVersion', `must be one of ${SCHEMA_VERSIONS.join(', ')}`);
  }
  for (const field of ['kind', 'type', 'subType'] as const) {
    if (typeof value[field] !== 'string' || value[field] === '')
      throw fail(`.${field}`, 'must be a non-empty string');
  }
  if (!Array.isArray(value.selectors) || value.selectors.length === 0) {
    throw fail('.selectors', 'must hold at least one selector');
  }
  const kind = String(value.kind).toLowerCase();
  const baseId =
    typeof value.id === 'string' && !/^0{8}-/.test(value.id)
      ? value.id
      : `${kind}-${value.type}-${value.subType}`;
  const description =
    isJsonObject(value.metadata) && typeof value.metadata.description === 'string'
      ? value.metadata.description
      : '';
  const selectors: unknown[] = value.selectors;
  return selectors.map((selector, index) => {
    const where = `.selectors[${index}]`;
    if (!isJsonObject(selector) || !isJsonObject(selector.allow))
      throw fail(where, 'must have an allow clause');
    const allow = selector.allow;
    const from = endpoints(allow.from, (field, problem) =>
      fail(`${where}.allow.from${field}`, problem),
    );
    const to = endpoints(allow.to, (field, problem) => fail(`${where}.allow.to${field}`, problem));
    const deny = asJsonObject(selector.deny);
    const denyFrom =
      deny.from === undefined
        ? []
        : endpoints(deny.from, (field, problem) => fail(`${where}.deny.from${field}`, problem));
    const denyTo =
      deny.to === undefined
        ? []
        : endpoints(deny.to, (field, problem) => fail(`${where}.deny.to${field}`, problem));
    const { match, patch } = matchesOf(
      from,
      to,
      value.match_strategy_matrix ?? selector.match_strategy_matrix,
      (field, problem) => fail(`${where}${field}`, problem),
    );
    const definition: Json = {
      id: `meshery/${baseId}-${kindsOf(from)}-${kindsOf(to)}${selectors.length > 1 ? `#${index}` : ''}`,
      kind,
      type: value.type,
      subType: value.subType,
      ...(description ? { description } : {}),
      from: from.map(({ kind, model }) => ({ kind, model })),
      to: to.map(({ kind, model }) => ({ kind, model })),
      match,
      // Meshery pairs components regardless of namespace unless a path says otherwise.
      sameNamespace: false,
    };
    if (denyFrom.length > 0 || denyTo.length > 0) {
      definition.deny = {
        from: denyFrom.map(({ kind, model }) => ({ kind, model })),
        to: denyTo.map(({ kind, model }) => ({ kind, model })),
      };
    }
    if (patch) definition.patch = patch;
    return definition;
  });
}

/** The kinds of one side, for ids: `deployment+statefulset`. */
const kindsOf = (side: Endpoint[]): string => side.map((e) => e.kind.toLowerCase()).join('+');

interface Endpoint {
  kind: string;
  model: string;
  mutatorRef?: string[][];
  mutatedRef?: string[][];
}

type Fail = (field: string, problem: string) => DefinitionError;

function endpoints(value: unknown, fail: Fail): Endpoint[] {
  if (!Array.isArray(value) || value.length === 0)
    throw fail('', 'must list at least one component');
  return value.map((entry, index) => {
    const at = `[${index}]`;
    if (!isJsonObject(entry)) throw fail(at, 'must be an object');
    if (entry.match !== undefined && entry.match !== null) {
      throw fail(
        `${at}.match`,
        'match clauses (matching through other components) cannot be imported yet',
      );
    }
    const kind = entry.kind === undefined ? '*' : entry.kind;
    if (typeof kind !== 'string' || kind === '')
      throw fail(`${at}.kind`, 'must be a non-empty string');
    const model = isJsonObject(entry.model) ? entry.model.name : (entry.model ?? '*');
    if (typeof model !== 'string' || model === '') throw fail(`${at}.model`, 'must name a model');
    const endpoint: Endpoint = { kind, model };
    const patch = entry.patch;
    if (isJsonObject(patch)) {
      if (patch.mutatorRef !== undefined)
        endpoint.mutatorRef = refs(patch.mutatorRef, (p) => fail(`${at}.patch.mutatorRef`, p));
      if (patch.mutatedRef !== undefined)
        endpoint.mutatedRef = refs(patch.mutatedRef, (p) => fail(`${at}.patch.mutatedRef`, p));
    }
    return endpoint;
  });
}

function refs(value: unknown, fail: (problem: string) => DefinitionError): string[][] {
  if (
    !Array.isArray(value) ||
    value.some((path) => !Array.isArray(path) || path.some((step) => typeof step !== 'string'))
  ) {
    throw fail('must be a list of paths (lists of strings)');
  }
  return (value as string[][]).map((path) => {
    const converted = convertPath(path);
    if (!converted) throw fail(`has a path we cannot follow: ${JSON.stringify(path)}`);
    return converted;
  });
}

/** A Meshery value path as a path into our component, or undefined if it has no equivalent. */
function convertPath(path: string[]): string[] | undefined {
  const [root, ...rest] = path;
  if (root === 'configuration') {
    if (rest[0] === 'metadata' && rest.length >= 2 && METADATA_FIELDS.has(rest[1]!))
      return rest.slice(1);
    if (rest[0] === 'metadata') return undefined;
    return rest.length > 0 ? ['config', ...rest] : undefined;
  }
  if (root === 'displayName' && rest.length === 0) return ['name'];
  if ((root === 'name' || root === 'namespace' || root === 'id') && rest.length === 0)
    return [root];
  return undefined;
}

/** Pairs mutator paths on one side with mutated paths on the other. */
function matchesOf(
  from: Endpoint[],
  to: Endpoint[],
  matrix: unknown,
  fail: Fail,
): { match: Match[]; patch?: Json } {
  const sameOnAll = (side: Endpoint[], pick: (e: Endpoint) => string[][] | undefined) => {
    const first = JSON.stringify(pick(side[0]!) ?? null);
    return side.every((endpoint) => JSON.stringify(pick(endpoint) ?? null) === first)
      ? pick(side[0]!)
      : null;
  };
  const fromMutator = sameOnAll(from, (e) => e.mutatorRef);
  const fromMutated = sameOnAll(from, (e) => e.mutatedRef);
  const toMutator = sameOnAll(to, (e) => e.mutatorRef);
  const toMutated = sameOnAll(to, (e) => e.mutatedRef);
  if (fromMutator === null || fromMutated === null || toMutator === null || toMutated === null) {
    throw fail(
      '.allow',
      'gives different paths for different kinds on one side: split it into one relationship per path set',
    );
  }
  let source: 'from' | 'to';
  let mutator: string[][];
  let mutated: string[][];
  if (fromMutator && toMutated) [source, mutator, mutated] = ['from', fromMutator, toMutated];
  else if (toMutator && fromMutated) [source, mutator, mutated] = ['to', toMutator, fromMutated];
  else
    throw fail(
      '.allow',
      'has no mutatorRef on one side with a mutatedRef on the other: nothing to match on',
    );
  if (mutator.length !== mutated.length) {
    throw fail(
      '.allow',
      `pairs ${mutator.length} mutatorRef paths with ${mutated.length} mutatedRef paths`,
    );
  }
  const strategies = strategiesOf(matrix, mutator.length, fail);
  const match = mutator.map((path, index) => {
    const [fromPath, toPath] =
      source === 'from' ? [path, mutated[index]!] : [mutated[index]!, path];
    return { from: fromPath, to: toPath, strategy: strategies[index]! };
  });
  if (mutator.length > 1) return { match };
  return { match, patch: { source, sourcePath: mutator[0], targetPath: mutated[0] } };
}

function strategiesOf(matrix: unknown, count: number, fail: Fail): MatchStrategy[] {
  if (matrix === undefined || matrix === null) return Array<MatchStrategy>(count).fill('equal');
  if (!Array.isArray(matrix) || matrix.length !== count) {
    throw fail('.match_strategy_matrix', `must give one strategy list per path pair (${count})`);
  }
  return matrix.map((row, index) => {
    const name = Array.isArray(row) ? row[0] : row;
    const strategy = typeof name === 'string' ? STRATEGIES[name] : undefined;
    if (!strategy)
      throw fail(
        `.match_strategy_matrix[${index}]`,
        `must be one of ${Object.keys(STRATEGIES).join(', ')}`,
      );
    return strategy;
  });
}
