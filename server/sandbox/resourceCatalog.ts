/**
 * The kinds served right now: the built-in table plus the custom resources of established
 * CustomResourceDefinitions. Routing, discovery and storage all ask this one place.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  apiVersionOf,
  BUILT_IN_TYPES,
  groupResourceOf,
  type ResourceType,
} from './resourceTypes.js';

export class ResourceCatalog {
  private readonly custom = new Map<string, ResourceType[]>();
  /** `all()`, kept until the custom kinds change: routing and every store event ask for it. */
  private served: readonly ResourceType[] | undefined;
  private changes = 0;

  /** Moves on whenever the kinds served change: a cheap key for what is built from them. */
  get version(): number {
    return this.changes;
  }

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

  all(): readonly ResourceType[] {
    return (this.served ??= [...BUILT_IN_TYPES, ...[...this.custom.values()].flat()]);
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

  /**
   * Serves (or stops serving, with `[]`) the kinds a CustomResourceDefinition defines. Kinds equal
   * to those served already are kept as they are: their schema objects key compiled validators.
   */
  setCustom(definitionName: string, types: ResourceType[]): void {
    if (isDeepStrictEqual(this.custom.get(definitionName) ?? [], types)) return;
    if (types.length === 0) this.custom.delete(definitionName);
    else this.custom.set(definitionName, types);
    this.served = undefined;
    this.changes += 1;
  }
}
