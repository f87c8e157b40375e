/**
 * The objects a design deployed, as a cluster holds them now: one list per kind, selected by the
 * design's label, then a read by name for any object the lists did not have (its label may have
 * been edited away); an object that read does not find is missing. A check of a design of K
 * kinds costs K lists, plus a read per object not found.
 */
import { DESIGN_LABEL } from '../../shared/deploy/deployment.js';
import { asJsonObject, type JsonObject } from '../../shared/design/model.js';
import type { RawObjects } from '../kube/rawObjects.js';
import type { DeployedObject } from './deployedObjects.js';

/** Each deployed object by component id: what the cluster holds, or null when it is gone. */
export async function readLiveObjects(
  cluster: RawObjects,
  designId: string,
  objects: readonly DeployedObject[],
): Promise<Map<string, JsonObject | null>> {
  const kinds = new Map<string, DeployedObject[]>();
  for (const object of objects) {
    const key = `${object.apiVersion}\u0000${object.kind}`;
    kinds.set(key, [...(kinds.get(key) ?? []), object]);
  }
  const live = new Map<string, JsonObject | null>();
  await Promise.all(
    [...kinds.values()].map(async (ofKind) => {
      const { apiVersion, kind } = ofKind[0]!;
      const listed = new Map(
        (await cluster.list(apiVersion, kind, `${DESIGN_LABEL}=${designId}`)).map((item) => {
          const metadata = asJsonObject(item.metadata);
          return [identity(metadata.namespace, metadata.name), item];
        }),
      );
      await Promise.all(
        ofKind.map(async (object) => {
          const found =
            listed.get(identity(object.namespace, object.name)) ?? (await cluster.read(object));
          live.set(object.component, found);
        }),
      );
    }),
  );
  return live;
}

const identity = (namespace: unknown, name: unknown): string =>
  `${typeof namespace === 'string' ? namespace : ''}\u0000${String(name)}`;
