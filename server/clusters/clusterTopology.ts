/**
 * The live topology of a cluster: what the relationship engine infers between the objects a
 * cluster view watches (a Service selects Pods, a Deployment mounts a ConfigMap, a RoleBinding
 * grants a ServiceAccount), plus ownership (a ReplicaSet owns its Pods), which no definition
 * describes because the object says it outright. The same definitions draw a design's lines, so a
 * design and the cluster it was deployed to read alike.
 *
 * Only `edge` definitions are used: containment and shared labels group components of a design,
 * and on a cluster they would join hundreds of objects to one another. Patches (copying a value
 * across a relationship) are for designs and are ignored here.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { LiveRelationship } from '../../shared/cluster/clusterRoom.js';
import { asJsonObject, type JsonObject } from '../../shared/design/model.js';
import { toComponent } from '../../shared/design/manifests.js';
import { KUBERNETES_RELATIONSHIPS } from '../../shared/relationships/kubernetes.js';
import { RelationshipEngine } from '../../shared/relationships/engine.js';

const EDGE_DEFINITIONS = KUBERNETES_RELATIONSHIPS.filter(
  (definition) => definition.kind === 'edge',
);
export const OWNER_DEFINITION = 'kubernetes/owner-reference';

/** Changes to the room's `relationships` map: an entry to set, or null to delete. */
export type TopologyChanges = Map<string, LiveRelationship | null>;

export class ClusterTopology {
  private readonly engine = new RelationshipEngine(EDGE_DEFINITIONS);
  private readonly owners = new Map<string, string[]>();
  private readonly upserted = new Map<string, JsonObject>();
  private readonly removed = new Set<string>();

  /** An object as it is now (added or changed), keyed by its uid. */
  set(uid: string, object: KubernetesObject): void {
    this.removed.delete(uid);
    this.upserted.set(uid, object as unknown as JsonObject);
  }

  delete(uid: string): void {
    this.upserted.delete(uid);
    this.removed.add(uid);
  }

  /** What the changes since the last call did to the topology. */
  flush(): TopologyChanges {
    const changes: TopologyChanges = new Map();
    const components = [...this.upserted].map(([uid, object]) => toComponent(object, uid));
    for (const action of this.engine.update({ upserted: components, removed: [...this.removed] })) {
      if (action.action === 'add') {
        const { id, definition, type, subType, from, to } = action.relationship;
        changes.set(id, { definition, type, subType, from, to });
      } else if (action.action === 'remove') changes.set(action.id, null);
    }
    for (const uid of this.removed) this.setOwners(uid, [], changes);
    for (const [uid, object] of this.upserted) this.setOwners(uid, ownerUids(object), changes);
    this.upserted.clear();
    this.removed.clear();
    return changes;
  }

  private setOwners(uid: string, owners: string[], changes: TopologyChanges): void {
    const before = this.owners.get(uid) ?? [];
    for (const owner of before) {
      if (!owners.includes(owner)) changes.set(ownerEdgeId(owner, uid), null);
    }
    for (const owner of owners) {
      if (!before.includes(owner)) {
        changes.set(ownerEdgeId(owner, uid), {
          definition: OWNER_DEFINITION,
          type: 'ownership',
          subType: 'owner',
          from: owner,
          to: uid,
        });
      }
    }
    if (owners.length > 0) this.owners.set(uid, owners);
    else this.owners.delete(uid);
  }
}

const ownerEdgeId = (owner: string, child: string) => `owner:${owner}:${child}`;

function ownerUids(object: JsonObject): string[] {
  const references = asJsonObject(object.metadata).ownerReferences;
  if (!Array.isArray(references)) return [];
  return references.flatMap((reference) => {
    const uid = asJsonObject(reference).uid;
    return typeof uid === 'string' ? [uid] : [];
  });
}
