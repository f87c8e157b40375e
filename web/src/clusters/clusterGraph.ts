/**
 * What the cluster page draws: the live objects that pass the namespace filter and the search,
 * laid out the way a design is (shared/design/layeredLayout), and the topology between them.
 */
import type { Edge, Node } from '@xyflow/svelte';
import type { LiveRelationship, ResourceSummary } from '../../../shared/cluster/clusterRoom';
import { COMPONENT_SIZE, layeredLayout } from '../../../shared/design/layeredLayout';
import type { KindStyle } from '../editor/canvasModel';
import { healthOf, type HealthReport } from './health';

export interface ClusterFilter {
  /** Only this namespace (and its Namespace object); empty for every object. */
  namespace: string;
  /** Words that must all appear in the kind, name, namespace or labels. */
  search: string;
}

export interface ResourceNodeData extends Record<string, unknown> {
  summary: ResourceSummary;
  style: KindStyle;
  health: HealthReport;
}

export type ResourceNode = Node<ResourceNodeData, 'resource'>;

export function namespacesOf(resources: readonly ResourceSummary[]): string[] {
  const names = new Set<string>();
  for (const resource of resources) {
    if (resource.namespace) names.add(resource.namespace);
    if (resource.kind === 'Namespace') names.add(resource.name);
  }
  return [...names].sort();
}

const searchText = (r: ResourceSummary) =>
  [r.kind, r.name, r.namespace ?? '', ...Object.entries(r.labels).map(([k, v]) => `${k}=${v}`)]
    .join(' ')
    .toLowerCase();

export function visibleResources(
  resources: readonly ResourceSummary[],
  filter: ClusterFilter,
): ResourceSummary[] {
  const words = filter.search.toLowerCase().split(/\s+/).filter(Boolean);
  return resources.filter((r) => {
    if (filter.namespace) {
      const inside =
        r.namespace === filter.namespace || (r.kind === 'Namespace' && r.name === filter.namespace);
      if (!inside) return false;
    }
    if (words.length === 0) return true;
    const text = searchText(r);
    return words.every((word) => text.includes(word));
  });
}

/** Lines between drawn objects only, each drawn once. */
export function visibleEdges(
  relationships: ReadonlyMap<string, LiveRelationship>,
  drawn: ReadonlySet<string>,
): Edge[] {
  const edges: Edge[] = [];
  for (const [id, { from, to, subType, type }] of relationships) {
    if (!drawn.has(from) || !drawn.has(to)) continue;
    edges.push({ id, source: from, target: to, class: `live ${type}`, ariaLabel: subType });
  }
  return edges;
}

/**
 * Nodes for the drawn objects. Positions come from a layout of the drawn set, worked out again
 * only when that set or its lines change (`layoutKey`), not when a status does.
 */
export function resourceNodes(
  resources: readonly ResourceSummary[],
  positions: ReadonlyMap<string, { x: number; y: number }>,
  styleOf: (kind: string) => KindStyle,
  selected: string | null,
): ResourceNode[] {
  return resources.map((summary) => ({
    id: summary.uid,
    type: 'resource',
    position: positions.get(summary.uid) ?? { x: 0, y: 0 },
    width: COMPONENT_SIZE.width,
    height: COMPONENT_SIZE.height,
    selected: summary.uid === selected,
    data: { summary, style: styleOf(summary.kind), health: healthOf(summary) },
  }));
}

/** Identifies a layout: the same objects and lines give the same key. */
export const layoutKey = (resources: readonly ResourceSummary[], edges: readonly Edge[]): string =>
  `${resources
    .map((r) => r.uid)
    .sort()
    .join(',')}|${edges
    .map((e) => e.id)
    .sort()
    .join(',')}`;

export function layOutResources(
  resources: readonly ResourceSummary[],
  edges: readonly Edge[],
): Map<string, { x: number; y: number }> {
  return layeredLayout(
    resources.map((r) => ({ id: r.uid, ...COMPONENT_SIZE })),
    edges.map((e) => ({ kind: 'edge', from: e.source, to: e.target })),
  );
}
