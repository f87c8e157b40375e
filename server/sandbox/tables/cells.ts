/**
 * Reading stored objects for their cells, and the cell formats several kinds share: label maps
 * and selectors written the way Kubernetes prints them, a template's containers and images.
 * Objects are JSON as clients sent them (defaults applied), so every read tolerates a missing
 * or mistyped field and falls back to Go's zero value, as kube-apiserver's typed structs would.
 */
import { asObjectList, isPlainObject, type KubeObject } from '../kubeObject.js';
import { since } from './humanDuration.js';

/** A JSON object inside a stored object (a container, a condition, a port). */
export type Json = Record<string, unknown>;

/** The value at a path of fields, or `undefined` where a step is missing or not an object. */
export function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    current = isPlainObject(current) && Object.hasOwn(current, key) ? current[key] : undefined;
  }
  return current;
}

/** A string field; `''` otherwise. */
export const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A whole-number field; 0 otherwise. */
export const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0;

/** The objects of a list field. */
export const objects = asObjectList;

/** The strings of a list field. */
export const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/** How many keys a map field has. */
export const sizeOf = (value: unknown): number =>
  isPlainObject(value) ? Object.keys(value).length : 0;

/** A quantity or int-or-string (`1Gi`, `50%`, `3`) as text; `''` when absent. */
export const scalarText = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '';

/** The AGE cell of an object. */
export const ageOf = (object: KubeObject, now: number): string =>
  since(object.metadata.creationTimestamp, now);

/** `<none>` in place of an empty cell, as kubectl's columns write it. */
export const orNone = (value: string): string => value || '<none>';

const byKey = <T>(entries: [string, T][]) =>
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** A label map as `a=1,b=2`, sorted by key; `<none>` when empty (`labels.FormatLabels`). */
export function labelsText(map: unknown): string {
  const pairs = isPlainObject(map) ? byKey(Object.entries(map)) : [];
  return orNone(pairs.map(([key, value]) => `${key}=${text(value)}`).join(','));
}

/** One requirement of a structured selector in the string form label selectors parse back. */
function requirementText(expression: Json): string {
  const key = text(expression.key);
  const values = strings(expression.values).sort().join(',');
  switch (expression.operator) {
    case 'In':
      return `${key} in (${values})`;
    case 'NotIn':
      return `${key} notin (${values})`;
    case 'Exists':
      return key;
    case 'DoesNotExist':
      return `!${key}`;
    default:
      return `${key} ${text(expression.operator)} (${values})`;
  }
}

/**
 * A `metav1.LabelSelector` in its string form, requirements sorted by key:
 * `{matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values: [a]}]}` is
 * `app=web,tier in (a)`. Empty for a missing or empty selector.
 */
export function selectorText(selector: unknown): string {
  if (!isPlainObject(selector)) return '';
  const labels = isPlainObject(selector.matchLabels) ? Object.entries(selector.matchLabels) : [];
  const requirements: [string, string][] = [
    ...labels.map(([key, value]): [string, string] => [key, `${key}=${text(value)}`]),
    ...objects(selector.matchExpressions).map((expression): [string, string] => [
      text(expression.key),
      requirementText(expression),
    ]),
  ];
  return byKey(requirements)
    .map(([, requirement]) => requirement)
    .join(',');
}

/** The SELECTOR cell of most kinds: the selector's string form, `<none>` when it selects all. */
export const selectorCell = (selector: unknown): string => orNone(selectorText(selector));

/** The CONTAINERS and IMAGES cells of a pod spec: names and images, comma-separated. */
export function containerCells(podSpec: unknown): [string, string] {
  const containers = objects(at(podSpec, 'containers'));
  return [
    containers.map((container) => text(container.name)).join(','),
    containers.map((container) => text(container.image)).join(','),
  ];
}

/** The pod spec of a workload's template (`spec.template.spec`). */
export const templateSpec = (object: KubeObject): unknown => at(object, 'spec', 'template', 'spec');
