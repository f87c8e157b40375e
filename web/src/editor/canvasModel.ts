/**
 * What the canvas draws, worked out from the design and derived documents: one node per
 * component (containers sized around their children) and one edge per relationship. Layout
 * positions in the document are absolute; Svelte Flow wants children relative to their parent,
 * so the conversion happens here and nowhere else.
 *
 * Each projection reuses the previous node and edge objects whose content did not change, so
 * Svelte Flow re-adopts only what did.
 */
import type { Edge, Node } from '@xyflow/svelte';
import * as Y from 'yjs';
import type { Finding } from '../../../shared/checks/bestPractices';
import {
  readComponentOutlines,
  readLayoutEntry,
  readOverrides,
  readUserRelationships,
  type ComponentOutline,
} from '../../../shared/design/convert';
import type { LayoutEntry } from '../../../shared/design/model';
import {
  COMPONENT_SIZE,
  CONTAINER_MIN_SIZE,
  CONTAINER_PADDING,
} from '../../../shared/design/layeredLayout';
import {
  DerivedKey,
  readDeployments,
  readDerivedRelationships,
} from '../../../shared/design/derived';
import { componentDeployStates } from './deployStates';
import type { ResourceState } from '../../../shared/deploy/deployment';
import type { PresentUser } from '../../../shared/presence';
import { samePeople, type RemoteSelections } from './peers';
import { STATE_WORDS, type RelationshipState } from './relationships';

export interface KindStyle {
  colour: string;
  /** A short abbreviation drawn in the node's badge. */
  badge: string;
  container: boolean;
}

export interface FindingCounts {
  error: number;
  warning: number;
  info: number;
}

export interface ComponentNodeData extends Record<string, unknown> {
  kind: string;
  name: string;
  namespace?: string;
  style: KindStyle;
  findings: FindingCounts;
  /** How the latest deployment went for this component, on the connection where it went worst. */
  deploy: ResourceState | null;
  /** How many fields the cluster has changed from what the design says (drift). */
  drift: number;
  /** Other people who have this component selected. */
  selectedBy: readonly PresentUser[];
}

export type CanvasNode = Node<ComponentNodeData, 'component' | 'container'>;

export interface RelationshipEdgeData extends Record<string, unknown> {
  origin: 'user' | 'inferred';
  status: RelationshipState;
  label: string;
}

export type CanvasEdge = Edge<RelationshipEdgeData>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A component as the canvas places it: its outline and its (absolute) layout entry. */
type Entry = ComponentOutline & LayoutEntry;

export interface NodeProjectionInput {
  doc: Y.Doc;
  derived: Y.Doc;
  styleOf: (kind: string) => KindStyle;
  selectedBy: RemoteSelections;
  /** What this page has selected. */
  selected: ReadonlySet<string>;
  /**
   * Zoomed far out, the overview canvas draws the components; Svelte Flow keeps only the
   * selected and dragged ones in the DOM (to be moved by hand) and hides the rest.
   */
  overview: boolean;
  /** Nodes the local person is dragging keep the position Svelte Flow gave them. */
  dragging: ReadonlySet<string>;
  /** Container sizes held still while something is dragged (so a child can leave). */
  frozenSizes: ReadonlyMap<string, { width: number; height: number }>;
  current: readonly CanvasNode[];
}

const NO_FINDINGS: FindingCounts = { error: 0, warning: 0, info: 0 };
/** Where a component without a layout entry is drawn. */
const UNPLACED: LayoutEntry = { x: 0, y: 0 };

function readEntries(doc: Y.Doc): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  // Every entry gets the same fields in the same order: this runs for each component after
  // every change, and objects of one shape keep it fast.
  for (const { id, kind, name, namespace, parent } of readComponentOutlines(doc)) {
    const { x, y, w, h } = readLayoutEntry(doc, id) ?? UNPLACED;
    entries.set(id, { id, kind, name, namespace, parent, x, y, w, h });
  }
  // A parent that is missing, or that would make a cycle, is ignored: the node is drawn at top level.
  for (const entry of entries.values()) {
    if (entry.parent === undefined) continue;
    const seen = new Set([entry.id]);
    for (
      let up: string | undefined = entry.parent;
      up !== undefined;
      up = entries.get(up)?.parent
    ) {
      if (!entries.has(up) || seen.has(up)) {
        entry.parent = undefined;
        break;
      }
      seen.add(up);
    }
  }
  return entries;
}

function childrenByParent(entries: Map<string, Entry>): Map<string, Entry[]> {
  const children = new Map<string, Entry[]>();
  for (const entry of entries.values()) {
    if (entry.parent === undefined) continue;
    const list = children.get(entry.parent) ?? [];
    list.push(entry);
    children.set(entry.parent, list);
  }
  return children;
}

function countFindings(findings: unknown): FindingCounts {
  if (!Array.isArray(findings) || findings.length === 0) return NO_FINDINGS;
  const counts = { error: 0, warning: 0, info: 0 };
  for (const finding of findings as Finding[]) {
    if (finding.severity in counts) counts[finding.severity]++;
  }
  return counts;
}

/** Absolute rectangles of every component, containers wrapped around their children. */
function measure(
  entries: Map<string, Entry>,
  children: Map<string, Entry[]>,
  styleOf: (kind: string) => KindStyle,
  frozenSizes: ReadonlyMap<string, { width: number; height: number }>,
): Map<string, Rect> {
  const rects = new Map<string, Rect>();
  const rectOf = (entry: Entry): Rect => {
    const known = rects.get(entry.id);
    if (known) return known;
    const kids = children.get(entry.id);
    let rect: Rect;
    const frozen = frozenSizes.get(entry.id);
    if (!kids && !styleOf(entry.kind).container) {
      rect = { x: entry.x, y: entry.y, ...COMPONENT_SIZE };
    } else if (frozen) rect = { x: entry.x, y: entry.y, ...frozen };
    else {
      // A size given by hand is kept, but never hides a child.
      let right = entry.x + (entry.w ?? CONTAINER_MIN_SIZE.width);
      let bottom = entry.y + (entry.h ?? CONTAINER_MIN_SIZE.height);
      for (const kid of kids ?? []) {
        const inner = rectOf(kid);
        right = Math.max(right, inner.x + inner.width + CONTAINER_PADDING);
        bottom = Math.max(bottom, inner.y + inner.height + CONTAINER_PADDING);
      }
      rect = { x: entry.x, y: entry.y, width: right - entry.x, height: bottom - entry.y };
    }
    rects.set(entry.id, rect);
    return rect;
  };
  for (const entry of entries.values()) rectOf(entry);
  return rects;
}

/** Parents first, as Svelte Flow requires. */
function parentsFirst(entries: Map<string, Entry>, children: Map<string, Entry[]>): Entry[] {
  const ordered: Entry[] = [];
  const visit = (entry: Entry) => {
    ordered.push(entry);
    for (const kid of children.get(entry.id) ?? []) visit(kid);
  };
  for (const entry of entries.values()) if (entry.parent === undefined) visit(entry);
  return ordered;
}

function sameData(a: ComponentNodeData, b: ComponentNodeData): boolean {
  return (
    a.kind === b.kind &&
    a.name === b.name &&
    a.namespace === b.namespace &&
    a.style === b.style &&
    a.findings.error === b.findings.error &&
    a.findings.warning === b.findings.warning &&
    a.findings.info === b.findings.info &&
    a.deploy === b.deploy &&
    a.drift === b.drift &&
    samePeople(a.selectedBy, b.selectedBy)
  );
}

/** `next`, or `current` itself when it holds the very same items (nothing for Svelte Flow to do). */
function unlessUnchanged<T>(next: T[], current: readonly T[]): T[] {
  const same = next.length === current.length && next.every((item, i) => item === current[i]);
  return same ? (current as T[]) : next;
}

export function projectNodes(input: NodeProjectionInput): CanvasNode[] {
  const entries = readEntries(input.doc);
  const children = childrenByParent(entries);
  const rects = measure(entries, children, input.styleOf, input.frozenSizes);
  const findings = input.derived.getMap<unknown>(DerivedKey.findings);
  const deployStates = componentDeployStates(readDeployments(input.derived));
  const drift = input.derived.getMap<unknown[]>(DerivedKey.drift);
  const current = new Map(input.current.map((node) => [node.id, node]));

  const nodes = parentsFirst(entries, children).map((entry): CanvasNode => {
    const style = input.styleOf(entry.kind);
    const rect = rects.get(entry.id)!;
    const parentRect = entry.parent === undefined ? undefined : rects.get(entry.parent)!;
    const isContainer = style.container || children.has(entry.id);
    const previous = current.get(entry.id);
    const position =
      previous && input.dragging.has(entry.id)
        ? previous.position
        : { x: rect.x - (parentRect?.x ?? 0), y: rect.y - (parentRect?.y ?? 0) };
    const data: ComponentNodeData = {
      kind: entry.kind,
      name: entry.name,
      namespace: entry.namespace,
      style,
      findings: countFindings(findings.get(entry.id)),
      deploy: deployStates.get(entry.id) ?? null,
      drift: drift.get(entry.id)?.length ?? 0,
      selectedBy: input.selectedBy.get(entry.id) ?? [],
    };
    const type = isContainer ? 'container' : 'component';
    const selected = input.selected.has(entry.id);
    const hidden = input.overview && !selected && !input.dragging.has(entry.id);
    if (
      previous &&
      previous.type === type &&
      (previous.selected ?? false) === selected &&
      (previous.hidden ?? false) === hidden &&
      previous.parentId === entry.parent &&
      previous.position.x === position.x &&
      previous.position.y === position.y &&
      previous.width === rect.width &&
      previous.height === rect.height &&
      sameData(previous.data, data)
    ) {
      return previous;
    }
    return {
      ...previous,
      id: entry.id,
      type,
      position,
      width: rect.width,
      height: rect.height,
      parentId: entry.parent,
      selected,
      hidden,
      data,
    };
  });
  return unlessUnchanged(nodes, input.current);
}

/** The rectangle around every top-level node (children lie inside their containers). */
export function topLevelBounds(nodes: readonly CanvasNode[]): Rect {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const { parentId, position, width = 0, height = 0 } of nodes) {
    if (parentId) continue;
    left = Math.min(left, position.x);
    top = Math.min(top, position.y);
    right = Math.max(right, position.x + width);
    bottom = Math.max(bottom, position.y + height);
  }
  return left === Infinity
    ? { x: 0, y: 0, width: 0, height: 0 }
    : { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * Relationships as edges: the ones people drew, and the inferred ones that are not drawn
 * already by nesting (hierarchical ones). Rejected inferred edges stay visible, faded, so the
 * decision can be undone from the same menu. Sibling relationships (components sharing labels)
 * link every member of a group to every other, so they are drawn only for the selected
 * components: a hundred workloads labelled alike would otherwise bury the design under five
 * thousand lines.
 */
export interface EdgeProjectionInput {
  doc: Y.Doc;
  derived: Y.Doc;
  /** The components drawn, by id, with their names: a relationship to anything else is left out. */
  drawn: ReadonlyMap<string, string>;
  selected: ReadonlySet<string>;
  current: readonly CanvasEdge[];
}

export function projectEdges({
  doc,
  derived,
  drawn,
  selected,
  current,
}: EdgeProjectionInput): CanvasEdge[] {
  const previous = new Map(current.map((edge) => [edge.id, edge]));
  const edges: CanvasEdge[] = [];
  const add = (id: string, from: string, to: string, data: RelationshipEdgeData) => {
    const fromName = drawn.get(from);
    const toName = drawn.get(to);
    if (fromName === undefined || toName === undefined) return;
    const ariaLabel = `${data.label} from ${fromName || 'unnamed'} to ${toName || 'unnamed'}, ${STATE_WORDS[data.status]}`;
    const old = previous.get(id);
    if (
      old &&
      old.source === from &&
      old.target === to &&
      old.data?.status === data.status &&
      old.data.label === data.label &&
      old.ariaLabel === ariaLabel
    ) {
      edges.push(old);
      return;
    }
    edges.push({
      ...old,
      id,
      source: from,
      target: to,
      label: data.label,
      ariaLabel,
      class: `relationship ${data.origin} ${data.status}`,
      data,
    });
  };
  for (const { id, from, to, subType } of readUserRelationships(doc)) {
    add(id, from, to, { origin: 'user', status: 'user', label: subType });
  }
  const overrides = readOverrides(doc);
  for (const { id, kind, from, to, subType } of readDerivedRelationships(derived)) {
    if (kind === 'hierarchical') continue;
    if (kind === 'sibling' && !selected.has(from) && !selected.has(to)) continue;
    add(id, from, to, { origin: 'inferred', status: overrides[id] ?? 'inferred', label: subType });
  }
  return unlessUnchanged(edges, current);
}
