/**
 * A component with the cluster's values put where it drifted: the design takes on what the
 * cluster has. A value the cluster lacks (null) is removed from the design: a key from its
 * object, an item from its list.
 */
import type { Component, JsonObject, JsonValue } from '../../shared/design/model.js';
import type { DriftStep } from '../../shared/deploy/drift.js';
import type { FieldDrift } from './fieldDrift.js';

export function adoptValues(component: Component, drift: readonly FieldDrift[]): Component {
  const adopted = structuredClone(component);
  // Removals last and from the end, so that removing a list item moves no index still to come.
  const sets = drift.filter((field) => field.clusterValue !== null);
  const removals = drift
    .filter((field) => field.clusterValue === null)
    .sort((a, b) => compareSteps(b.steps, a.steps));
  for (const { steps, clusterValue } of [...sets, ...removals]) {
    setAt(adopted, steps, clusterValue);
  }
  return adopted;
}

function setAt(component: Component, steps: readonly DriftStep[], value: JsonValue | null): void {
  const [part, ...inner] = steps;
  if (part === 'labels' || part === 'annotations') {
    const key = String(inner[0]);
    if (value === null) delete component[part][key];
    else component[part][key] = typeof value === 'string' ? value : JSON.stringify(value);
    return;
  }
  if (part !== 'config' || inner.length === 0) return;
  let parent: JsonObject | JsonValue[] = component.config;
  for (const step of inner.slice(0, -1)) {
    const next: JsonValue | undefined = Array.isArray(parent)
      ? parent[step as number]
      : parent[step as string];
    if (typeof next !== 'object' || next === null) return;
    parent = next;
  }
  const last = inner.at(-1)!;
  if (Array.isArray(parent)) {
    if (value === null) parent.splice(last as number, 1);
    else parent[last as number] = value;
  } else if (value === null) {
    delete parent[last as string];
  } else {
    parent[last as string] = value;
  }
}

/** Orders paths as lists of steps, numbers by value. */
function compareSteps(a: readonly DriftStep[], b: readonly DriftStep[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const x = a[index]!;
    const y = b[index]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}
