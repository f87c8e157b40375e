/**
 * What the editor's buttons and shortcuts do to the design: add from the palette, delete,
 * copy and paste, auto-layout. Each command is one local transaction, so one undo takes it back.
 */
import * as Y from 'yjs';
import { newComponent } from '../../../shared/design/componentDefaults';
import {
  DesignKey,
  readComponentById,
  readLayoutMap,
  readUserRelationships,
  writeComponent,
  writeLayout,
} from '../../../shared/design/convert';
import { asDesignRelationships, readDerivedRelationships } from '../../../shared/design/derived';
import { forgetSize, moveComponent, removeComponents } from '../../../shared/design/edits';
import { COMPONENT_SIZE, layeredLayout } from '../../../shared/design/layeredLayout';
import { newId } from '../../../shared/ids';
import type { Component, LayoutEntry } from '../../../shared/design/model';
import type { ComponentKind } from '../api';
import type { CanvasNode } from './canvasModel';
import type { DesignSession } from './designSession.svelte';

/** How far a pasted copy sits from its original. */
const PASTE_OFFSET = 40;

/** Names already used by components of `kind`, so a new one gets a fresh name. */
function takenNames(doc: Y.Doc, kind: string): Set<string> {
  const names = new Set<string>();
  for (const value of doc.getMap<unknown>(DesignKey.components).values()) {
    if (value instanceof Y.Map && value.get('kind') === kind) names.add(String(value.get('name')));
  }
  return names;
}

/**
 * Every component of the design, for select all: read from the document, so a component pasted
 * or received a moment ago counts even before the canvas has drawn it.
 */
export const allComponentIds = (session: DesignSession): string[] => [
  ...session.doc.getMap<unknown>(DesignKey.components).keys(),
];

/** The namespace a component dropped into `parentId` belongs to, if that is a Namespace. */
function namespaceOf(doc: Y.Doc, parentId: string | undefined): string | undefined {
  const parent = parentId ? readComponentById(doc, parentId) : undefined;
  if (!parent) return undefined;
  return parent.kind === 'Namespace' ? parent.name : parent.namespace;
}

export function addComponent(
  session: DesignSession,
  definition: ComponentKind,
  at: { x: number; y: number },
  parentId: string | undefined,
): string {
  const id = newId();
  const component = newComponent({
    id,
    model: 'kubernetes',
    kind: definition.kind,
    apiVersion: definition.apiVersion,
    namespaced: definition.namespaced,
    namespace: definition.namespaced ? namespaceOf(session.doc, parentId) : undefined,
    takenNames: takenNames(session.doc, definition.kind),
  });
  if (parentId) component.parent = parentId;
  session.edit(() => {
    writeComponent(session.doc, component);
    writeLayout(session.doc, id, { x: Math.round(at.x), y: Math.round(at.y) });
  });
  return id;
}

export function deleteComponents(session: DesignSession, ids: readonly string[]): void {
  if (ids.length > 0) session.edit(() => removeComponents(session.doc, ids));
}

/** Copied components, with their positions, kept for pasting into any open design. */
export interface Clipboard {
  components: Component[];
  layout: Record<string, LayoutEntry>;
}

export function copyComponents(session: DesignSession, ids: readonly string[]): Clipboard {
  const layout = readLayoutMap(session.doc);
  const components = ids
    .map((id) => readComponentById(session.doc, id))
    .filter((component) => component !== undefined);
  return {
    components,
    layout: Object.fromEntries(components.map(({ id }) => [id, layout[id] ?? { x: 0, y: 0 }])),
  };
}

/**
 * Pastes copies with new ids and fresh names, offset from the originals. A copy keeps its
 * parent when the parent was copied too (it follows the copy) or still exists.
 * Returns the new ids.
 */
export function pasteComponents(session: DesignSession, clipboard: Clipboard): string[] {
  const newIds = new Map(clipboard.components.map(({ id }) => [id, newId()]));
  const components = session.doc.getMap<unknown>(DesignKey.components);
  session.edit(() => {
    for (const original of clipboard.components) {
      const id = newIds.get(original.id)!;
      const names = takenNames(session.doc, original.kind);
      let name = `${original.name}-copy`;
      for (let n = 2; names.has(name); n++) name = `${original.name}-copy-${n}`;
      const copy: Component = { ...structuredClone(original), id, name };
      const parent = original.parent && (newIds.get(original.parent) ?? original.parent);
      if (parent && (newIds.has(original.parent!) || components.has(parent))) copy.parent = parent;
      else delete copy.parent;
      writeComponent(session.doc, copy);
      const place = clipboard.layout[original.id] ?? { x: 0, y: 0 };
      writeLayout(session.doc, id, { x: place.x + PASTE_OFFSET, y: place.y + PASTE_OFFSET });
    }
  });
  return [...newIds.values()];
}

/**
 * Lays the whole design out again along its relationships (people's and the inferred ones not
 * rejected); containers size themselves around their children.
 */
export function layOut(session: DesignSession, nodes: readonly CanvasNode[]): void {
  const boxes = nodes.map(({ id, parentId, width, height }) => ({
    id,
    parent: parentId,
    width: width ?? COMPONENT_SIZE.width,
    height: height ?? COMPONENT_SIZE.height,
  }));
  const links = [
    ...readUserRelationships(session.doc),
    ...asDesignRelationships(readDerivedRelationships(session.derived)),
  ];
  const positions = layeredLayout(boxes, links);
  session.edit(() => {
    // The layout sizes containers around their children, so sizes given by hand give way.
    for (const [id, { x, y }] of positions) {
      moveComponent(session.doc, id, x, y);
      forgetSize(session.doc, id);
    }
  });
}
