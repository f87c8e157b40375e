/**
 * Auto-layout for imports (the hub) and on demand (the editor's Auto-layout button), so both
 * place a design the same way. Components that relate are ranked left to right with dagre;
 * unrelated groups are packed in rows rather than stacked in one endless column; a container is
 * laid out the same way inside, then sized around its children like the editor draws it.
 */
import dagre from '@dagrejs/dagre';

/** The size the editor draws a component that is not a container. */
export const COMPONENT_SIZE = { width: 200, height: 56 } as const;
/** The smallest container, and the size of one that holds nothing. */
export const CONTAINER_MIN_SIZE = { width: 320, height: 180 } as const;
/** Space the editor keeps between a container's right and bottom edges and its children. */
export const CONTAINER_PADDING = 24;
/** Room above a container's first child for its title. */
const CONTAINER_TITLE = 40;
const GAP = 40;
/** Packed rows aim at this width to height ratio, about a screen's. */
const ASPECT = 16 / 9;

export interface LayoutBox {
  id: string;
  /** The container this box sits in, when that is laid out too. */
  parent?: string;
  /** Ignored for a container with children, which is sized by them. */
  width: number;
  height: number;
}

export interface LayoutLink {
  kind: string;
  from: string;
  to: string;
}

interface Point {
  x: number;
  y: number;
}

/** Positions relative to the area laid out, and that area's size. */
interface Arrangement {
  positions: Map<string, Point>;
  width: number;
  height: number;
}

/**
 * Absolute top-left positions for every box. Only `edge` links rank components: containment is
 * already the nesting, and siblings (shared labels) say nothing about which comes first.
 */
export function layeredLayout(
  boxes: readonly LayoutBox[],
  links: Iterable<LayoutLink>,
): Map<string, Point> {
  const children = childrenOf(boxes);
  const edges = [...links].filter((link) => link.kind === 'edge');
  return arrange(children.get(undefined) ?? [], children, edges).positions;
}

/** Each container's children in the order given; top-level boxes under `undefined`. */
function childrenOf(boxes: readonly LayoutBox[]): Map<string | undefined, LayoutBox[]> {
  const byId = new Map(boxes.map((box) => [box.id, box]));
  const children = new Map<string | undefined, LayoutBox[]>();
  for (const box of boxes) {
    const parent = box.parent !== undefined && byId.has(box.parent) ? box.parent : undefined;
    // A nesting loop (possible in a hand-edited document) is cut where it closes.
    let ancestor = parent;
    for (let up = 0; ancestor !== undefined && ancestor !== box.id && up < boxes.length; up++) {
      ancestor = byId.get(ancestor)?.parent;
    }
    const placedUnder = ancestor === box.id ? undefined : parent;
    children.set(placedUnder, [...(children.get(placedUnder) ?? []), box]);
  }
  return children;
}

/** Lays out one level: the containers among `members` first, then the level itself. */
function arrange(
  members: readonly LayoutBox[],
  children: ReadonlyMap<string | undefined, LayoutBox[]>,
  edges: readonly LayoutLink[],
): Arrangement {
  const sizes = new Map<string, { width: number; height: number }>();
  const insides = new Map<string, Arrangement>();
  for (const member of members) {
    const kids = children.get(member.id);
    if (!kids) {
      sizes.set(member.id, member);
      continue;
    }
    const inside = arrange(kids, children, edges);
    insides.set(member.id, inside);
    sizes.set(member.id, {
      width: Math.max(CONTAINER_MIN_SIZE.width, inside.width + 2 * CONTAINER_PADDING),
      height: Math.max(
        CONTAINER_MIN_SIZE.height,
        CONTAINER_TITLE + inside.height + CONTAINER_PADDING,
      ),
    });
  }
  const level = pack(
    groupsOf(members, ancestorsAt(members, children), edges).map((group) => rank(group, sizes)),
  );
  // Each container's children follow it to where the level put it.
  for (const [id, inside] of insides) {
    const origin = level.positions.get(id)!;
    for (const [childId, at] of inside.positions) {
      level.positions.set(childId, {
        x: origin.x + CONTAINER_PADDING + at.x,
        y: origin.y + CONTAINER_TITLE + at.y,
      });
    }
  }
  return level;
}

/** Which member of this level each box is, or is inside of. */
function ancestorsAt(
  members: readonly LayoutBox[],
  children: ReadonlyMap<string | undefined, LayoutBox[]>,
): Map<string, string> {
  const memberOf = new Map<string, string>();
  const visit = (box: LayoutBox, member: string) => {
    memberOf.set(box.id, member);
    for (const kid of children.get(box.id) ?? []) visit(kid, member);
  };
  for (const member of members) visit(member, member.id);
  return memberOf;
}

/** The level's members in groups that relate (directly or through what they contain). */
function groupsOf(
  members: readonly LayoutBox[],
  memberOf: ReadonlyMap<string, string>,
  edges: readonly LayoutLink[],
): { ids: string[]; edges: [string, string][] }[] {
  const root = new Map(members.map((member) => [member.id, member.id]));
  const find = (id: string): string => {
    const up = root.get(id)!;
    if (up === id) return id;
    const top = find(up);
    root.set(id, top);
    return top;
  };
  const levelEdges: [string, string][] = [];
  for (const edge of edges) {
    const from = memberOf.get(edge.from);
    const to = memberOf.get(edge.to);
    if (from === undefined || to === undefined || from === to) continue;
    levelEdges.push([from, to]);
    root.set(find(from), find(to));
  }
  const groups = new Map<string, { ids: string[]; edges: [string, string][] }>();
  for (const { id } of members) {
    const top = find(id);
    if (!groups.has(top)) groups.set(top, { ids: [], edges: [] });
    groups.get(top)!.ids.push(id);
  }
  for (const edge of levelEdges) groups.get(find(edge[0]))!.edges.push(edge);
  return [...groups.values()];
}

/** One group of related members, ranked left to right along its edges. */
function rank(
  group: { ids: string[]; edges: [string, string][] },
  sizes: ReadonlyMap<string, { width: number; height: number }>,
): Arrangement {
  if (group.ids.length === 1) {
    const [id] = group.ids as [string];
    return { positions: new Map([[id, { x: 0, y: 0 }]]), ...sizes.get(id)! };
  }
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: GAP, ranksep: GAP * 2 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const id of group.ids) graph.setNode(id, { ...sizes.get(id)! });
  for (const [from, to] of group.edges) graph.setEdge(from, to);
  dagre.layout(graph);
  const corners = group.ids.map((id) => {
    const { x, y, width, height } = graph.node(id);
    return { id, x: x - width / 2, y: y - height / 2, width, height };
  });
  // Dagre's coordinates start wherever it likes; the group's own start at its top-left corner.
  const left = Math.min(...corners.map((corner) => corner.x));
  const top = Math.min(...corners.map((corner) => corner.y));
  const positions = new Map(
    corners.map(({ id, x, y }) => [id, { x: Math.round(x - left), y: Math.round(y - top) }]),
  );
  return {
    positions,
    width: Math.max(...corners.map((corner) => corner.x + corner.width - left)),
    height: Math.max(...corners.map((corner) => corner.y + corner.height - top)),
  };
}

/** Groups in rows, in the order given, the rows about `ASPECT` times as wide as all are tall. */
function pack(groups: readonly Arrangement[]): Arrangement {
  const area = groups.reduce((sum, g) => sum + (g.width + GAP) * (g.height + GAP), 0);
  const widest = Math.max(0, ...groups.map((group) => group.width));
  const rowWidth = Math.max(widest, Math.sqrt(area * ASPECT));
  const positions = new Map<string, Point>();
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let width = 0;
  for (const group of groups) {
    if (x > 0 && x + group.width > rowWidth) {
      x = 0;
      y += rowHeight + GAP;
      rowHeight = 0;
    }
    for (const [id, at] of group.positions) positions.set(id, { x: x + at.x, y: y + at.y });
    width = Math.max(width, x + group.width);
    rowHeight = Math.max(rowHeight, group.height);
    x += group.width + GAP;
  }
  return { positions, width, height: y + rowHeight };
}
