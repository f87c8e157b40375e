/**
 * Auto-layout with dagre: components ranked left to right along their relationships, each
 * container laid out as a cluster around its children. Returns absolute top-left positions for
 * leaves and containers; containers then size themselves around their children.
 */
import dagre from '@dagrejs/dagre';
import type { CanvasEdge, CanvasNode } from './canvasModel';

const GAP = 40;
/** Room above a container's first row for its title. */
const CONTAINER_TITLE = 40;

export function autoLayout(
  nodes: readonly CanvasNode[],
  edges: readonly CanvasEdge[],
): Map<string, { x: number; y: number }> {
  const graph = new dagre.graphlib.Graph({ compound: true });
  graph.setGraph({ rankdir: 'LR', nodesep: GAP, ranksep: GAP * 2, marginx: GAP, marginy: GAP });
  graph.setDefaultEdgeLabel(() => ({}));
  const containers = new Set(nodes.filter((node) => node.type === 'container').map((n) => n.id));
  for (const node of nodes) {
    graph.setNode(
      node.id,
      containers.has(node.id) ? {} : { width: node.width, height: node.height },
    );
  }
  for (const node of nodes) if (node.parentId) graph.setParent(node.id, node.parentId);
  // Dagre cannot route edges that end on a cluster, so those edges do not shape the layout.
  for (const edge of edges) {
    if (!containers.has(edge.source) && !containers.has(edge.target))
      graph.setEdge(edge.source, edge.target);
  }
  dagre.layout(graph);
  const positions = new Map<string, { x: number; y: number }>();
  for (const node of nodes) {
    const placed = graph.node(node.id);
    if (!placed) continue;
    const titleRoom = containers.has(node.id) ? CONTAINER_TITLE : 0;
    positions.set(node.id, {
      x: Math.round(placed.x - (placed.width ?? 0) / 2),
      y: Math.round(placed.y - (placed.height ?? 0) / 2 - titleRoom),
    });
  }
  return positions;
}
