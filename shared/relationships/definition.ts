/**
 * Relationship definitions: data that says which pairs of components are related and how to
 * recognise them. Definitions arrive as JSON (shipped files, imports), so `parseDefinitions`
 * checks every field and names the file and field of the first thing wrong.
 *
 * A value path walks a component's plain form (`id`, `name`, `namespace`, `labels`, `config`,
 * `parent`, …); `_` stands for every index of an array, so one path can yield several values.
 */

export const RELATIONSHIP_KINDS = ['hierarchical', 'edge', 'sibling'] as const;
export type RelationshipKind = (typeof RELATIONSHIP_KINDS)[number];

export const MATCH_STRATEGIES = [
  'equal',
  'equal-as-strings',
  'to-contains-from',
  'not-null',
] as const;
/**
 * - `equal`: some value at `from` deep-equals some value at `to`;
 * - `equal-as-strings`: the same, compared as strings (`8080` and `"8080"`);
 * - `to-contains-from`: the object at `from` is non-empty and every key/value of it is in the
 *   object at `to` (a label selector and the labels it selects);
 * - `not-null`: there is a value at `from` (and at `to`, when given).
 */
export type MatchStrategy = (typeof MATCH_STRATEGIES)[number];

export type ValuePath = readonly string[];

/** Which components may be an endpoint: `*` matches any kind or model. */
export interface EndpointSelector {
  kind: string;
  model: string;
}

export interface Match {
  from: ValuePath;
  to: ValuePath;
  strategy: MatchStrategy;
}

/** Three-party matching: `from` and `to` are related through a component of another kind. */
export interface Intermediary {
  selector: EndpointSelector;
  /** How `from` matches the intermediary (`from` paths on `from`, `to` paths on it). */
  fromMatch: Match[];
  /** How the intermediary matches `to` (`from` paths on it, `to` paths on `to`). */
  toMatch: Match[];
}

/** Copies the value at `source`'s path into the other endpoint at `path` when it differs. */
export interface Patch {
  source: 'from' | 'to';
  sourcePath: ValuePath;
  targetPath: ValuePath;
}

export interface RelationshipDefinition {
  id: string;
  kind: RelationshipKind;
  type: string;
  subType: string;
  description: string;
  from: EndpointSelector[];
  to: EndpointSelector[];
  /** A pair is excluded when `from` matches one of these `from`s and `to` one of these `to`s. */
  deny: { from: EndpointSelector[]; to: EndpointSelector[] };
  /** All must hold. */
  match: Match[];
  /** At least one must hold, when any are given: the same reference can sit in several places. */
  matchAny: Match[];
  /** Only components of the same namespace are paired (default true). */
  sameNamespace: boolean;
  via?: Intermediary;
  patch?: Patch;
}

/** A definition file or field that cannot be used; the message names both. */
export class DefinitionError extends Error {
  constructor(
    readonly source: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${source}: ${field} ${problem}`);
    this.name = 'DefinitionError';
  }
}

/**
 * Checks and normalises definitions parsed from JSON (an array of them, or one).
 * @param source names the file or upload in error messages.
 * @example parseDefinitions(JSON.parse(text), 'kubernetes.json')
 */
export function parseDefinitions(input: unknown, source: string): RelationshipDefinition[] {
  const list = Array.isArray(input) ? input : [input];
  const definitions = list.map((item, index) =>
    parseDefinition(item, new Reader(source, `[${index}]`)),
  );
  const seen = new Set<string>();
  definitions.forEach((definition, index) => {
    if (seen.has(definition.id)) {
      throw new DefinitionError(
        source,
        `[${index}].id`,
        `repeats ${JSON.stringify(definition.id)}`,
      );
    }
    seen.add(definition.id);
  });
  return definitions;
}

function parseDefinition(value: unknown, at: Reader): RelationshipDefinition {
  const fields = at.object(value, [
    'id',
    'kind',
    'type',
    'subType',
    'description',
    'from',
    'to',
    'deny',
    'match',
    'matchAny',
    'sameNamespace',
    'via',
    'patch',
  ]);
  const deny =
    fields.deny === undefined ? {} : at.field('deny').object(fields.deny, ['from', 'to']);
  const definition: RelationshipDefinition = {
    id: at.field('id').text(fields.id),
    kind: at.field('kind').oneOf(fields.kind, RELATIONSHIP_KINDS),
    type: at.field('type').text(fields.type),
    subType: at.field('subType').text(fields.subType),
    description:
      fields.description === undefined ? '' : at.field('description').text(fields.description),
    from: at.field('from').list(fields.from, (item, itemAt) => selector(item, itemAt), 1),
    to: at.field('to').list(fields.to, (item, itemAt) => selector(item, itemAt), 1),
    deny: {
      from: optionalList(deny.from, at.field('deny').field('from'), selector),
      to: optionalList(deny.to, at.field('deny').field('to'), selector),
    },
    match: optionalList(fields.match, at.field('match'), match),
    matchAny: optionalList(fields.matchAny, at.field('matchAny'), match),
    sameNamespace:
      fields.sameNamespace === undefined
        ? true
        : at.field('sameNamespace').bool(fields.sameNamespace),
  };
  if (fields.via !== undefined) definition.via = intermediary(fields.via, at.field('via'));
  if (fields.patch !== undefined) definition.patch = patch(fields.patch, at.field('patch'));
  if (definition.match.length === 0 && definition.matchAny.length === 0 && !definition.via) {
    throw at.field('match').error('must hold at least one match (or use matchAny or via)');
  }
  return definition;
}

function selector(value: unknown, at: Reader): EndpointSelector {
  const fields = at.object(value, ['kind', 'model']);
  return {
    kind: at.field('kind').text(fields.kind),
    model: fields.model === undefined ? '*' : at.field('model').text(fields.model),
  };
}

function match(value: unknown, at: Reader): Match {
  const fields = at.object(value, ['from', 'to', 'strategy']);
  const strategy = at.field('strategy').oneOf(fields.strategy, MATCH_STRATEGIES);
  const to =
    fields.to === undefined && strategy === 'not-null' ? [] : at.field('to').path(fields.to);
  return { from: at.field('from').path(fields.from), to, strategy };
}

function intermediary(value: unknown, at: Reader): Intermediary {
  const fields = at.object(value, ['kind', 'model', 'fromMatch', 'toMatch']);
  return {
    selector: selector({ kind: fields.kind, model: fields.model }, at),
    fromMatch: at.field('fromMatch').list(fields.fromMatch, match, 1),
    toMatch: at.field('toMatch').list(fields.toMatch, match, 1),
  };
}

function patch(value: unknown, at: Reader): Patch {
  const fields = at.object(value, ['source', 'sourcePath', 'targetPath']);
  const targetPath = at.field('targetPath').path(fields.targetPath);
  if (targetPath.includes('_')) throw at.field('targetPath').error('cannot contain `_`');
  return {
    source: at.field('source').oneOf(fields.source, ['from', 'to'] as const),
    sourcePath: at.field('sourcePath').path(fields.sourcePath),
    targetPath,
  };
}

function optionalList<T>(value: unknown, at: Reader, item: (value: unknown, at: Reader) => T): T[] {
  return value === undefined ? [] : at.list(value, item);
}

/** Walks parsed JSON, keeping the path of the field being read for error messages. */
class Reader {
  constructor(
    private readonly source: string,
    private readonly location: string,
  ) {}

  field(name: string): Reader {
    return new Reader(this.source, `${this.location}.${name}`);
  }

  error(problem: string): DefinitionError {
    return new DefinitionError(this.source, this.location, problem);
  }

  object(value: unknown, allowed: readonly string[]): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw this.error('must be an object');
    }
    const unknownKey = Object.keys(value).find((key) => !allowed.includes(key));
    if (unknownKey !== undefined) throw this.field(unknownKey).error('is not a known field');
    return value as Record<string, unknown>;
  }

  text(value: unknown): string {
    if (typeof value !== 'string' || value === '') throw this.error('must be a non-empty string');
    return value;
  }

  bool(value: unknown): boolean {
    if (typeof value !== 'boolean') throw this.error('must be true or false');
    return value;
  }

  oneOf<T extends string>(value: unknown, options: readonly T[]): T {
    if (!options.includes(value as T)) throw this.error(`must be one of ${options.join(', ')}`);
    return value as T;
  }

  path(value: unknown): ValuePath {
    const path = this.list(value, (step, at) => at.text(step), 1);
    if (path[0] === '_') throw this.error('cannot start with `_`');
    return path;
  }

  list<T>(value: unknown, item: (value: unknown, at: Reader) => T, min = 0): T[] {
    if (!Array.isArray(value)) throw this.error('must be an array');
    if (value.length < min)
      throw this.error(`must hold at least ${min} item${min === 1 ? '' : 's'}`);
    return value.map((entry, index) =>
      item(entry, new Reader(this.source, `${this.location}[${index}]`)),
    );
  }
}
