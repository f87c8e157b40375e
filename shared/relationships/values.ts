/**
 * Reading components through value paths, and deciding matches. Also the index keys a match
 * implies: two components can only match if they share a key, which is what lets the engine
 * look partners up instead of trying every pair.
 */
import { isJsonObject, type Component, type JsonValue } from '../design/model.js';
import type { EndpointSelector, Match, ValuePath } from './definition.js';

/** Every value at `path` in `component` (`_` fans out over array items); none if absent. */
export function valuesAt(component: Component, path: ValuePath): JsonValue[] {
  // Most paths have no `_`: walk them without building lists until one appears.
  let value: unknown = component;
  for (let step = 0; step < path.length; step++) {
    if (path[step] === '_') return fanOut([value], path, step);
    if (!isJsonObject(value) || !Object.hasOwn(value, path[step]!)) return [];
    value = value[path[step]!];
  }
  return value === undefined || value === null ? [] : [value as JsonValue];
}

function fanOut(start: unknown[], path: ValuePath, from: number): JsonValue[] {
  let current = start;
  for (const step of path.slice(from)) {
    const next: unknown[] = [];
    for (const value of current) {
      if (step === '_') {
        if (Array.isArray(value)) next.push(...value);
      } else if (isJsonObject(value) && Object.hasOwn(value, step)) {
        next.push(value[step]);
      }
    }
    current = next;
  }
  return current.filter((value) => value !== undefined && value !== null) as JsonValue[];
}

export function selects(selector: EndpointSelector, component: Component): boolean {
  return (
    (selector.kind === '*' || selector.kind === component.kind) &&
    (selector.model === '*' || selector.model === component.model)
  );
}

/** Whether `from` and `to` satisfy one match. */
export function matches(match: Match, from: Component, to: Component): boolean {
  const fromValues = valuesAt(from, match.from);
  if (match.strategy === 'not-null') {
    return fromValues.length > 0 && (match.to.length === 0 || valuesAt(to, match.to).length > 0);
  }
  const toValues = valuesAt(to, match.to);
  if (match.strategy === 'to-contains-from') {
    return fromValues.some((selector) => toValues.some((labels) => contains(labels, selector)));
  }
  const keyOf = match.strategy === 'equal' ? canonical : String;
  const toKeys = new Set(toValues.map(keyOf));
  return fromValues.some((value) => toKeys.has(keyOf(value)));
}

/**
 * Keys under which a component is indexed for one match, on one side. A `from` and a `to`
 * component can only match if some key of the first is a key of the second; for
 * `to-contains-from` a `from` key is one pair of its selector and the `to` keys are all pairs
 * of its labels. `null` means the match gives no handle (`not-null`): index by namespace alone.
 */
export function matchKeys(
  match: Match,
  side: 'from' | 'to',
  component: Component,
): string[] | null {
  const values = valuesAt(component, side === 'from' ? match.from : match.to);
  switch (match.strategy) {
    case 'not-null':
      return null;
    case 'equal':
      return values.map(canonical);
    case 'equal-as-strings':
      return values.map(String);
    case 'to-contains-from': {
      const objects = values.filter(isJsonObject);
      // One pair of a selector is enough to find every component it can select.
      if (side === 'from') return objects.flatMap((selector) => firstPair(selector));
      return objects.flatMap((labels) => Object.entries(labels).map(pairKey));
    }
  }
}

/** Whether every key/value of a non-empty `selector` object is in `labels`. */
function contains(labels: JsonValue, selector: JsonValue): boolean {
  if (!isJsonObject(labels) || !isJsonObject(selector)) return false;
  const pairs = Object.entries(selector);
  return (
    pairs.length > 0 && pairs.every(([key, value]) => canonical(labels[key]) === canonical(value))
  );
}

function firstPair(selector: Record<string, unknown>): string[] {
  const keys = Object.keys(selector).sort();
  return keys.length === 0 ? [] : [pairKey([keys[0]!, selector[keys[0]!]])];
}

const pairKey = ([key, value]: [string, unknown]): string => `${key}=${canonical(value)}`;

/** JSON with object keys sorted: equal values give equal strings. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
