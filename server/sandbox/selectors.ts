/**
 * Label and field selectors as kube-apiserver reads them (`?labelSelector=`, `?fieldSelector=`,
 * `Deployment.spec.selector`, `Service.spec.selector`). kubectl and client-node send the string
 * forms verbatim, so parsing, matching and error wording follow k8s.io/apimachinery's `labels`
 * and `fields` packages instead of a dialect of our own.
 */

/** An unparseable or invalid selector; the HTTP layer answers it with a 400 BadRequest. */
export class SelectorError extends Error {
  override readonly name = 'SelectorError';
}

/** A compiled label selector. `empty` selects everything, so list handlers can skip filtering. */
export interface Selector {
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  readonly empty: boolean;
}

/** A compiled field selector over whole objects; `empty` selects everything. */
export interface FieldSelector {
  matches(object: unknown): boolean;
  readonly empty: boolean;
}

type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
type Requirement = { readonly key: string; readonly operator: Operator; readonly values: string[] };

function fail(message: string): never {
  throw new SelectorError(message);
}

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_RULE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const SUBDOMAIN_RULE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const VALUE_RULE = `a valid label must be an empty string or ${NAME_RULE.slice('must '.length)}`;

/** apimachinery's wording for what is wrong with one part of a key or a value, if anything. */
function problemWith(text: string, maxLength: number, pattern: RegExp, rule: string) {
  if (text.length > maxLength) return `must be no more than ${maxLength} characters`;
  if (pattern.test(text)) return undefined;
  return text === '' ? 'must be non-empty' : rule;
}

/** A key is an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
function validateKey(key: string): void {
  const parts = key.split('/');
  const name = parts.pop()!;
  const problems: string[] = [];
  if (parts.length > 1) {
    problems.push(`a qualified name ${NAME_RULE} with an optional DNS subdomain prefix and '/'`);
  } else {
    const prefix = parts.length === 1 && problemWith(parts[0]!, 253, DNS_SUBDOMAIN, SUBDOMAIN_RULE);
    if (prefix) problems.push(`prefix part ${prefix}`);
    const nameProblem = problemWith(name, 63, NAME, NAME_RULE);
    if (nameProblem) problems.push(`name part ${nameProblem}`);
  }
  if (problems.length > 0) fail(`invalid label key ${JSON.stringify(key)}: ${problems.join('; ')}`);
}

/** Checks a requirement as apimachinery's `NewRequirement` does, with the same messages. */
function requirement(key: string, operator: Operator, values: string[]): Requirement {
  validateKey(key);
  if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
    fail("for 'in', 'notin' operators, values set can't be empty");
  }
  if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
    fail('values set must be empty for exists and does not exist');
  }
  for (const value of values) {
    const problem = problemWith(value, 63, LABEL_VALUE, VALUE_RULE);
    const where = `${JSON.stringify(value)}: at key: ${JSON.stringify(key)}`;
    if (problem) fail(`invalid label value: ${where}: ${problem}`);
  }
  return { key, operator, values };
}

function matchesRequirement(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const present = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case 'In':
      return present && r.values.includes(labels[r.key]!);
    case 'NotIn': // as in Kubernetes, an object without the key is in no set
      return !present || !r.values.includes(labels[r.key]!);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
  }
}

const selectorOf = (requirements: readonly Requirement[]): Selector => ({
  empty: requirements.length === 0,
  matches: (labels) => requirements.every((r) => matchesRequirement(r, labels ?? {})),
});

// The lexer: `!=` and `==` are the only two-character symbols, and any other run of characters
// that are neither whitespace nor symbols is a word (a key, a value or the keywords in/notin).
// Tokens are plain strings; reading past the end gives '', which no word can be.
const SYMBOLS = '!=(),<>';
const tokenize = (text: string): string[] =>
  text.match(/!=|==|[!=(),<>]|[^ \t\r\n!=(),<>]+/g) ?? [];

const isWord = (token: string): boolean => token !== '' && !SYMBOLS.includes(token[0]!);

/** A recursive-descent reader over the tokens of one label selector string. */
class LabelParser {
  private position = 0;
  constructor(private readonly tokens: readonly string[]) {}

  private peek = (): string => this.tokens[this.position] ?? '';
  private next = (): string => this.tokens[this.position++] ?? '';

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    if (this.peek() === '') return requirements;
    for (let expected = "!, identifier, or 'end of string'"; ; expected = "identifier after ','") {
      const start = this.peek();
      if (!isWord(start) && start !== '!') fail(`found '${start}', expected: ${expected}`);
      try {
        requirements.push(this.requirement());
      } catch (error) {
        if (!(error instanceof SelectorError)) throw error;
        fail(`unable to parse requirement: ${error.message}`);
      }
      const separator = this.next();
      if (separator === '') return requirements;
      if (separator !== ',') fail(`found '${separator}', expected: ',' or 'end of string'`);
    }
  }

  private requirement(): Requirement {
    const negated = this.peek() === '!';
    if (negated) this.next();
    const key = this.next();
    if (!isWord(key)) fail(`found '${key}', expected: identifier`);
    validateKey(key); // before the operator, so a bad key is the error reported, as upstream
    if (negated) return requirement(key, 'DoesNotExist', []);
    if (this.peek() === '' || this.peek() === ',') return requirement(key, 'Exists', []);
    const operator = this.next();
    switch (operator) {
      case 'in':
      case 'notin':
        return requirement(key, operator === 'in' ? 'In' : 'NotIn', this.valueList());
      case '=':
      case '==':
        return requirement(key, 'In', [this.exactValue()]);
      case '!=': // as in Kubernetes, this also matches objects without the key
        return requirement(key, 'NotIn', [this.exactValue()]);
      default: // kube-apiserver's `>` and `<` (integer comparisons) are not supported
        fail(`found '${operator}', expected: in, notin, =, ==, !=`);
    }
  }

  /** The value after `=`, `==` or `!=`; a missing one (`a=` or `a=,b`) is ''. */
  private exactValue(): string {
    if (this.peek() === '' || this.peek() === ',') return '';
    const token = this.next();
    return isWord(token) ? token : fail(`found '${token}', expected: identifier`);
  }

  /** `(x, y)`: an empty item is the value '', so `()` and `(a,)` both include ''. */
  private valueList(): string[] {
    const open = this.next();
    if (open !== '(') fail(`found '${open}' expected: '('`);
    const values = new Set<string>();
    for (;;) {
      const value = isWord(this.peek()) ? this.next() : '';
      values.add(value);
      const token = this.next();
      if (token === ')') return [...values];
      const expected = value ? "',' or ')'" : "',', or identifier";
      if (token !== ',') fail(`found '${token}', expected: ${expected}`);
    }
  }
}

/**
 * Parses the string form of a label selector, e.g. `app=web,tier in (front, back),!canary`.
 * Requirements are ANDed, `!=` and `notin` also match objects without the key, and an empty or
 * blank string selects everything.
 */
export function parseLabelSelector(text: string): Selector {
  return selectorOf(new LabelParser(tokenize(text)).parse());
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isStrings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

const EXPRESSION_OPERATORS = new Set<unknown>(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * Compiles a structured `metav1.LabelSelector` (`{matchLabels, matchExpressions}`, as in
 * `Deployment.spec.selector`). As in `LabelSelectorAsSelector`, `{}` selects everything while
 * null or undefined selects nothing, so a workload without a selector owns no pods.
 */
export function selectorFromLabelSelector(spec: unknown): Selector {
  if (spec === null || spec === undefined) return { empty: false, matches: () => false };
  const matchLabels = isRecord(spec) ? (spec.matchLabels ?? {}) : undefined;
  const matchExpressions = isRecord(spec) ? (spec.matchExpressions ?? []) : undefined;
  if (!isRecord(matchLabels) || !Array.isArray(matchExpressions)) {
    fail('a label selector needs a matchLabels map and a matchExpressions list');
  }
  const requirements = Object.entries(matchLabels).map(([key, value]) =>
    typeof value === 'string' ? requirement(key, 'In', [value]) : fail(`invalid label: ${key}`),
  );
  for (const expression of matchExpressions as unknown[]) {
    const { key, operator, values } = isRecord(expression) ? expression : {};
    if (!EXPRESSION_OPERATORS.has(operator)) {
      fail(`${JSON.stringify(operator)} is not a valid label selector operator`);
    }
    const list: unknown = values ?? [];
    if (typeof key !== 'string' || !isStrings(list)) fail('invalid match expression: ' + key);
    requirements.push(requirement(key, operator as Operator, list));
  }
  return selectorOf(requirements);
}

/**
 * Compiles the plain map form (`Service.spec.selector`): every pair must be present and equal.
 * An empty or missing map selects everything here; callers decide what an absent selector means
 * (a Service without one selects no pods). Pairs are not validated: stored objects were.
 */
export function selectorFromMap(map: Readonly<Record<string, string>> | undefined): Selector {
  const pairs = Object.entries(map ?? {});
  return selectorOf(pairs.map(([key, value]) => ({ key, operator: 'In', values: [value] })));
}

/** Undoes `\\`, `\,` and `\=`; any other escape, or a bare `,` or `=`, is an error. */
const unescapeValue = (raw: string): string =>
  raw.replace(/\\([^]?)|[,=]/g, (match, escaped?: string) => {
    if (escaped !== undefined && ['\\', ',', '='].includes(escaped)) return escaped;
    const problem =
      escaped === undefined ? 'unescaped character in value' : 'invalid escape sequence';
    return fail(`invalid field selector: ${problem}: ${match}`);
  });

/** Reads a dotted path such as `status.phase`; anything missing or not a scalar reads as ''. */
function fieldValue(object: unknown, path: string): string {
  let current = object;
  for (const segment of path.split('.')) {
    current = isRecord(current) && Object.hasOwn(current, segment) ? current[segment] : undefined;
  }
  return ['string', 'number', 'boolean'].includes(typeof current) ? String(current) : '';
}

/**
 * Parses a field selector such as `status.phase!=Running,spec.nodeName=node-1`. Each resource
 * supports a few fields only; others fail with kube-apiserver's `field label not supported`.
 * Fields are not trimmed (nor are they in Kubernetes). A missing field compares as '', which is
 * how `spec.nodeName=` finds unscheduled pods. Values may escape `\,`, `\=` and `\\`.
 */
export function parseFieldSelector(
  text: string,
  supportedFields: ReadonlySet<string>,
): FieldSelector {
  // Terms end at commas that are not escaped; the escapes stay for `unescapeValue`.
  const terms = (text.match(/(?:\\[^]?|[^\\,])+/g) ?? []).map((part) => {
    // The leftmost operator wins; at one position `!=` and `==` are preferred to `=`.
    const operator = /!=|==|=/.exec(part);
    if (!operator) fail(`invalid selector: '${text}'; can't understand '${part}'`);
    const value = unescapeValue(part.slice(operator.index + operator[0].length));
    return { field: part.slice(0, operator.index), value, negated: operator[0] === '!=' };
  });
  const unsupported = terms.find((term) => !supportedFields.has(term.field));
  if (unsupported) fail(`field label not supported: ${unsupported.field}`);
  return {
    empty: terms.length === 0,
    matches: (object) =>
      terms.every((t) => (fieldValue(object, t.field) === t.value) !== t.negated),
  };
}
