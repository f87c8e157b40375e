/**
 * The kinds served right now: the built-in table plus the custom resources of established
 * CustomResourceDefinitions. Routing, discovery and storage all ask this one place.
 */
import {
  apiVersionOf,
  BUILT_IN_TYPES,
  groupResourceOf,
  type ResourceType,
} from './resourceTypes.js';

export class ResourceCatalog {
  private readonly custom = new Map<string, ResourceType[]>();

  /** The type served at `/apis/<group>/<version>/<plural>` (or `/api/v1/<plural>`). */
  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.all().find(
      (type) => type.group === group && type.version === version && type.plural === plural,
    );
  }

  /** The type of an object's `apiVersion` and `kind`. */
  findKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.all().find((type) => apiVersionOf(type) === apiVersion && type.kind === kind);
  }

  /** The type stored under a group resource key (`deployments.apps`), for store events. */
  findGroupResource(resource: string): ResourceType | undefined {
    return this.all().find((type) => groupResourceOf(type) === resource);
  }

  all(): ResourceType[] {
    return [...BUILT_IN_TYPES, ...[...this.custom.values()].flat()];
  }

  /** Groups with their versions, preferred (first served) version first. */
  groups(): { group: string; versions: string[] }[] {
    const versions = new Map<string, string[]>();
    for (const type of this.all()) {
      const list = versions.get(type.group) ?? [];
      if (!list.includes(type.version)) list.push(type.version);
      versions.set(type.group, list);
    }
    return [...versions].map(([group, list]) => ({ group, versions: list }));
  }

  /** The kinds of one group version, or `undefined` when the sandbox does not serve it. */
  inGroupVersion(group: string, version: string): ResourceType[] | undefined {
    const types = this.all().filter((type) => type.group === group && type.version === version);
    return types.length > 0 ? types : undefined;
  }

  /** Serves (or stops serving, with `[]`) the kinds a CustomResourceDefinition defines. */
  setCustom(definitionName: string, types: ResourceType[]): void {
    if (types.length === 0) this.custom.delete(definitionName);
    else this.custom.set(definitionName, types);
  }
}
