/**
 * Structural edits the editor makes to a design document: moving, nesting, deleting and
 * deciding on relationships. Each is a plain function on the document; callers wrap them in a
 * transaction with their own origin, so undo takes a whole gesture back at once.
 */
import * as Y from 'yjs';
import { DesignKey, writeLayout } from './convert.js';
import type { OverrideDecision } from './model.js';

/** Moves a component, keeping any stored size; the entry is updated in place. */
export function moveComponent(doc: Y.Doc, componentId: string, x: number, y: number): void {
  const entry = doc.getMap<unknown>(DesignKey.layout).get(componentId);
  if (!(entry instanceof Y.Map)) return writeLayout(doc, componentId, { x, y });
  if (entry.get('x') !== x) entry.set('x', x);
  if (entry.get('y') !== y) entry.set('y', y);
}

/** Places a container and sets the size it was given by hand; the entry is updated in place. */
export function resizeComponent(
  doc: Y.Doc,
  componentId: string,
  { x, y, w, h }: { x: number; y: number; w: number; h: number },
): void {
  moveComponent(doc, componentId, x, y);
  const entry = doc.getMap<unknown>(DesignKey.layout).get(componentId) as Y.Map<unknown>;
  if (entry.get('w') !== w) entry.set('w', w);
  if (entry.get('h') !== h) entry.set('h', h);
}

/** Lets a container size itself around its children again, dropping a size given by hand. */
export function forgetSize(doc: Y.Doc, componentId: string): void {
  const entry = doc.getMap<unknown>(DesignKey.layout).get(componentId);
  if (!(entry instanceof Y.Map)) return;
  if (entry.has('w')) entry.delete('w');
  if (entry.has('h')) entry.delete('h');
}

/** Puts a component inside a container, or back at the top level with `undefined`. */
export function setParent(doc: Y.Doc, componentId: string, parentId: string | undefined): void {
  const component = doc.getMap<unknown>(DesignKey.components).get(componentId);
  if (!(component instanceof Y.Map) || component.get('parent') === parentId) return;
  if (parentId === undefined) component.delete('parent');
  else component.set('parent', parentId);
}

/**
 * Deletes components with their positions and the relationships people drew to or from them;
 * children of a deleted container move to the top level.
 */
export function removeComponents(doc: Y.Doc, componentIds: Iterable<string>): void {
  const ids = new Set(componentIds);
  const components = doc.getMap<unknown>(DesignKey.components);
  const layout = doc.getMap<unknown>(DesignKey.layout);
  const relationships = doc.getMap<unknown>(DesignKey.relationships);
  for (const id of ids) {
    components.delete(id);
    layout.delete(id);
  }
  for (const [id, component] of components) {
    if (component instanceof Y.Map && ids.has(component.get('parent') as string)) {
      setParent(doc, id, undefined);
    }
  }
  for (const [id, relationship] of relationships) {
    if (
      relationship instanceof Y.Map &&
      (ids.has(relationship.get('from') as string) || ids.has(relationship.get('to') as string))
    ) {
      removeRelationship(doc, id);
    }
  }
}

/** Deletes a relationship someone drew. */
export function removeRelationship(doc: Y.Doc, relationshipId: string): void {
  doc.getMap(DesignKey.relationships).delete(relationshipId);
}

/** Accepts or rejects an inferred relationship; `undefined` withdraws the decision. */
export function decideRelationship(
  doc: Y.Doc,
  relationshipId: string,
  decision: OverrideDecision | undefined,
): void {
  const overrides = doc.getMap<unknown>(DesignKey.overrides);
  if (decision === undefined) overrides.delete(relationshipId);
  else overrides.set(relationshipId, decision);
}
