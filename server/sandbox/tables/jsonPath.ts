/**
 * The JSONPath subset CRDs use in `additionalPrinterColumns`: fields (`.spec.replicas`, with
 * `\.` for dots inside a key), quoted keys (`['app.kubernetes.io/name']`), indexes (`[0]`,
 * `[-1]`), wildcards (`[*]`) and filters (`[?(@.type=="Ready")]`). A column shows the first
 * value found, as kube-apiserver's printing does.
 */
import { isPlainObject } from '../kubeObject.js';

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'all' }
  | { kind: 'filter'; path: Step[]; negated: boolean; value: unknown };

/** Raised for a path outside the subset; the column then shows nothing. */
class UnsupportedPath extends Error {}

/** `'Ready'`, `"Ready"`, `3` or `true` in a filter. */
function literal(raw: string): unknown {
  const text = raw.trim();
  if (/^(['"]).*\1$/.test(text)) return text.slice(1, -1);
  if (text === 'true' || text === 'false') return text === 'true';
  const number = Number(text);
  if (text !== '' && !Number.isNaN(number)) return number;
  throw new UnsupportedPath(text);
}

/** The steps of a path such as `.status.conditions[?(@.type=="Ready")].status`. */
function parse(path: string): Step[] {
  const steps: Step[] = [];
  let rest = path
    .trim()
    .replace(/^\{(.*)\}$/, '$1')
    .replace(/^[$@]/, '');
  while (rest !== '') {
    if (rest.startsWith('.')) {
      // A field name runs to the next unescaped `.` or `[`.
      const match = /^\.((?:\\.|[^.[\\])*)/.exec(rest)!;
      if (match[1] !== '') steps.push({ kind: 'field', name: match[1]!.replace(/\\(.)/g, '$1') });
      rest = rest.slice(match[0].length);
      continue;
    }
    const quoted = /^\[\s*(['"])(.*?)\1\s*\]/.exec(rest);
    const filter = /^\[\?\(\s*@((?:\.[^.=!)\s]+)+)\s*(==|!=)\s*(.+?)\s*\)\]/.exec(rest);
    const bracket = /^\[\s*([^\]]*?)\s*\]/.exec(rest);
    if (quoted) {
      steps.push({ kind: 'field', name: quoted[2]! });
      rest = rest.slice(quoted[0].length);
    } else if (filter) {
      const [whole, fieldPath, operator, value] = filter;
      steps.push({
        kind: 'filter',
        path: parse(fieldPath!),
        negated: operator === '!=',
        value: literal(value!),
      });
      rest = rest.slice(whole.length);
    } else if (bracket && (bracket[1] === '*' || /^-?\d+$/.test(bracket[1]!))) {
      steps.push(
        bracket[1] === '*' ? { kind: 'all' } : { kind: 'index', index: Number(bracket[1]) },
      );
      rest = rest.slice(bracket[0].length);
    } else {
      throw new UnsupportedPath(rest);
    }
  }
  return steps;
}

/** What one step leads to from `value`: none, one or (for `[*]` and filters) several values. */
function follow(value: unknown, step: Step): unknown[] {
  switch (step.kind) {
    case 'field':
      return isPlainObject(value) && Object.hasOwn(value, step.name) ? [value[step.name]] : [];
    case 'index': {
      if (!Array.isArray(value)) return [];
      const index = step.index < 0 ? value.length + step.index : step.index;
      return index >= 0 && index < value.length ? [value[index]] : [];
    }
    case 'all':
      return Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : [];
    case 'filter':
      return Array.isArray(value)
        ? value.filter((item) => {
            const found = evaluate(item, step.path);
            return (found.length > 0 && found[0] === step.value) !== step.negated;
          })
        : [];
    default: {
      const unreachable: never = step;
      return unreachable;
    }
  }
}

const evaluate = (root: unknown, steps: readonly Step[]): unknown[] =>
  steps.reduce<unknown[]>((values, step) => values.flatMap((value) => follow(value, step)), [root]);

const parsed = new Map<string, Step[] | undefined>();

/**
 * The first value `path` finds in `object`, or `undefined` when it finds none or is outside
 * the subset.
 *
 * @example firstMatch(pod, '.status.conditions[?(@.type=="Ready")].status') // 'True'
 */
export function firstMatch(object: unknown, path: string): unknown {
  if (!parsed.has(path)) {
    try {
      parsed.set(path, parse(path));
    } catch (error) {
      if (!(error instanceof UnsupportedPath)) throw error;
      parsed.set(path, undefined);
    }
  }
  const steps = parsed.get(path);
  return steps && evaluate(object, steps)[0];
}
