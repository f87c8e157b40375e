/**
 * Relationship inference: which components of a design are related, by the definitions given.
 * Pure and deterministic (no I/O, no clock), so it runs in the hub and later in the browser.
 *
 * It is incremental. For every definition, components are indexed by the keys their values
 * imply (see `matchKeys`), prefixed with their namespace when the definition pairs only within
 * one: a changed component looks up its possible partners and is checked against those alone,
 * never against every component. Relationships are remembered per component, so a change
 * re-checks exactly the relationships it can affect.
 *
 * Patches (copying a value from one endpoint to the other) are applied to the engine's own
 * copy of the component, whose change is evaluated again, up to MAX_PASSES times; the caller
 * applies the returned patch actions to the real document.
 */
import type { Component, JsonValue } from '../design/model.js';
import type { EndpointSelector, Match, RelationshipDefinition, ValuePath } from './definition.js';
import { stableHasher } from './hash.js';
import { matches, matchKeys, selects, valuesAt, canonical } from './values.js';

export const MAX_PASSES = 5;

export interface InferredRelationship {
  id: string;
  /** The definition it comes from. */
  definition: string;
  kind: string;
  type: string;
  subType: string;
  from: string;
  to: string;
  /** The intermediary component of a three-party relationship. */
  via?: string;
}

export type InferenceAction =
  | { action: 'add'; relationship: InferredRelationship }
  | { action: 'remove'; id: string; relationship: InferredRelationship }
  | { action: 'patch'; component: string; path: ValuePath; value: JsonValue };

export interface ComponentChanges {
  /** Components added or changed, whole. */
  upserted: readonly Component[];
  /** Ids of components deleted. */
  removed: readonly string[];
}

/**
 * The ids of one definition's relationships: the same definition and endpoints always give the
 * same id. The definition's part is hashed once, however many pairs follow.
 */
function relationshipIds(definition: string): (from: string, to: string) => string {
  const hash = stableHasher(`${definition}\u0000`);
  return (from, to) => hash(`${from}\u0000${to}`);
}

/** The id of one relationship (see `relationshipIds`). */
export const relationshipId = (definition: string, from: string, to: string): string =>
  relationshipIds(definition)(from, to);

export class RelationshipEngine {
  private readonly componentsById = new Map<string, Component>();
  private readonly rules: Rule[];
  private readonly definitions: Map<string, RelationshipDefinition>;
  private readonly found = new Map<string, InferredRelationship>();
  /** Relationship ids per component id (either endpoint or intermediary). */
  private readonly touching = new Links();
  /** The same, for relationships whose definition patches: all that `patches` must look at. */
  private readonly patching = new Links();

  constructor(definitions: readonly RelationshipDefinition[]) {
    this.rules = definitions.map((definition) => new Rule(definition));
    this.definitions = new Map(definitions.map((definition) => [definition.id, definition]));
  }

  /** Every relationship inferred so far, by id. */
  get relationships(): ReadonlyMap<string, InferredRelationship> {
    return this.found;
  }

  /** The design as the engine holds it (patches applied), by component id. */
  get components(): ReadonlyMap<string, Component> {
    return this.componentsById;
  }

  /** The relationships a component takes part in (as an endpoint or intermediary). */
  relationshipsOf(componentId: string): InferredRelationship[] {
    return [...this.touching.of([componentId])].map((id) => this.found.get(id)!);
  }

  /** Takes in a change of the design and returns what it changes in the inferred result. */
  update(changes: ComponentChanges): InferenceAction[] {
    const actions: InferenceAction[] = [];
    let dirty = new Set<string>();
    for (const id of changes.removed) {
      this.forget(id);
      dirty.add(id);
    }
    for (const component of changes.upserted) {
      this.remember(component);
      dirty.add(component.id);
    }
    for (let pass = 0; pass < MAX_PASSES && dirty.size > 0; pass++) {
      actions.push(...this.reevaluate(dirty));
      const patches = this.patches(dirty);
      actions.push(...patches);
      dirty = new Set(patches.map((patch) => patch.component));
    }
    return actions;
  }

  private remember(component: Component): void {
    this.componentsById.set(component.id, component);
    for (const rule of this.rules) rule.index(component);
  }

  private forget(id: string): void {
    this.componentsById.delete(id);
    for (const rule of this.rules) rule.unindex(id);
  }

  /** Re-derives every relationship the dirty components can take part in. */
  private reevaluate(dirty: ReadonlySet<string>): InferenceAction[] {
    const current = new Map<string, InferredRelationship>();
    for (const id of dirty) {
      const component = this.componentsById.get(id);
      if (!component) continue;
      for (const rule of this.rules) {
        rule.collect(component, this.componentsById, dirty, current);
      }
    }
    const actions: InferenceAction[] = [];
    for (const id of this.touching.of(dirty)) {
      if (current.has(id)) continue;
      const relationship = this.found.get(id)!;
      this.drop(id);
      actions.push({ action: 'remove', id, relationship });
    }
    for (const [id, relationship] of current) {
      if (this.found.has(id)) continue;
      this.keep(relationship);
      actions.push({ action: 'add', relationship });
    }
    return actions;
  }

  /** Patches due on relationships of the dirty components; applied to the engine's copies. */
  private patches(dirty: ReadonlySet<string>): Extract<InferenceAction, { action: 'patch' }>[] {
    const patches: Extract<InferenceAction, { action: 'patch' }>[] = [];
    for (const id of this.patching.of(dirty)) {
      const relationship = this.found.get(id)!;
      const patch = this.definitions.get(relationship.definition)!.patch;
      if (!patch) continue;
      const [sourceId, targetId] =
        patch.source === 'from'
          ? [relationship.from, relationship.to]
          : [relationship.to, relationship.from];
      const source = this.componentsById.get(sourceId);
      const target = this.componentsById.get(targetId);
      const value = source && valuesAt(source, patch.sourcePath)[0];
      if (!target || value === undefined) continue;
      const existing = valuesAt(target, patch.targetPath)[0];
      if (existing !== undefined && canonical(existing) === canonical(value)) continue;
      this.remember(withValue(target, patch.targetPath, value));
      patches.push({ action: 'patch', component: targetId, path: patch.targetPath, value });
    }
    return patches;
  }

  private keep(relationship: InferredRelationship): void {
    this.found.set(relationship.id, relationship);
    const patches = this.definitions.get(relationship.definition)!.patch !== undefined;
    for (const id of endpointsOf(relationship)) {
      this.touching.add(id, relationship.id);
      if (patches) this.patching.add(id, relationship.id);
    }
  }

  private drop(id: string): void {
    const relationship = this.found.get(id);
    if (!relationship) return;
    this.found.delete(id);
    for (const endpoint of endpointsOf(relationship)) {
      this.touching.delete(endpoint, id);
      this.patching.delete(endpoint, id);
    }
  }
}

/** Relationship ids by component id. */
class Links {
  private readonly byComponent = new Map<string, Set<string>>();

  add(component: string, relationship: string): void {
    let ids = this.byComponent.get(component);
    if (!ids) this.byComponent.set(component, (ids = new Set()));
    ids.add(relationship);
  }

  delete(component: string, relationship: string): void {
    const ids = this.byComponent.get(component);
    ids?.delete(relationship);
    if (ids?.size === 0) this.byComponent.delete(component);
  }

  /** The relationships of any of `components`, each once (a copy: safe to change meanwhile). */
  of(components: Iterable<string>): Set<string> {
    const ids = new Set<string>();
    for (const component of components)
      for (const id of this.byComponent.get(component) ?? []) ids.add(id);
    return ids;
  }
}

/** One definition, compiled: its indexes and how it checks a candidate pair. */
class Rule {
  /** Components that can be `from`, by the keys of the definition's first match. */
  private readonly fromSide: KeyIndex;
  /** Components that can be `to`, by the same match's keys on their side. */
  private readonly toSide: KeyIndex;
  /** Intermediaries, by their keys towards `from` and towards `to`. */
  private readonly viaFromSide: KeyIndex | null = null;
  private readonly viaToSide: KeyIndex | null = null;
  private readonly idOf: (from: string, to: string) => string;

  constructor(readonly definition: RelationshipDefinition) {
    this.idOf = relationshipIds(definition.id);
    const { via } = definition;
    const fromMatch = via
      ? indexable(via.fromMatch)
      : indexable(definition.match, definition.matchAny);
    const toMatch = via ? indexable(via.toMatch) : fromMatch;
    this.fromSide = this.sideIndex(definition.from, fromMatch, 'from');
    this.toSide = this.sideIndex(definition.to, toMatch, 'to');
    if (via) {
      this.viaFromSide = this.sideIndex([via.selector], fromMatch, 'to');
      this.viaToSide = this.sideIndex([via.selector], toMatch, 'from');
    }
  }

  index(component: Component): void {
    for (const index of this.indexes()) index.set(component);
  }

  unindex(id: string): void {
    for (const index of this.indexes()) index.delete(id);
  }

  /**
   * Adds to `into` every relationship of this definition `component` takes part in. A pair whose
   * `from` is also being evaluated (`dirty`) is left to that component's turn, so that
   * evaluating a whole design checks each pair once.
   */
  collect(
    component: Component,
    components: ReadonlyMap<string, Component>,
    dirty: ReadonlySet<string>,
    into: Map<string, InferredRelationship>,
  ): void {
    const get = (id: string) => components.get(id)!;
    const add = (from: Component, to: Component, via?: Component) => {
      const relationship = this.pair(from, to, via);
      if (relationship) into.set(relationship.id, relationship);
    };
    const { fromSide, toSide, viaFromSide, viaToSide } = this;
    // A sibling pair is the same relationship from either side: when both are being evaluated,
    // the one with the smaller id takes it (a third of a design's relationships are siblings).
    const sibling = this.definition.kind === 'sibling';
    if (!viaFromSide || !viaToSide) {
      for (const id of toSide.partners(fromSide.keysOf(component.id))) {
        if (sibling && id < component.id && dirty.has(id)) continue;
        add(component, get(id));
      }
      for (const id of fromSide.partners(toSide.keysOf(component.id))) {
        if (!dirty.has(id)) add(get(id), component);
      }
      return;
    }
    for (const viaId of viaFromSide.partners(fromSide.keysOf(component.id))) {
      for (const id of toSide.partners(viaToSide.keysOf(viaId)))
        add(component, get(id), get(viaId));
    }
    for (const viaId of viaToSide.partners(toSide.keysOf(component.id))) {
      for (const id of fromSide.partners(viaFromSide.keysOf(viaId))) {
        if (!dirty.has(id)) add(get(id), component, get(viaId));
      }
    }
    for (const fromId of fromSide.partners(viaFromSide.keysOf(component.id))) {
      if (dirty.has(fromId)) continue;
      for (const toId of toSide.partners(viaToSide.keysOf(component.id))) {
        add(get(fromId), get(toId), component);
      }
    }
  }

  /** The relationship between `from` and `to` (through `via`), if this definition sees one. */
  private pair(from: Component, to: Component, via?: Component): InferredRelationship | null {
    const definition = this.definition;
    if (from.id === to.id || this.denied(from, to)) return null;
    if (!definition.match.every((match) => matches(match, from, to))) return null;
    if (
      definition.matchAny.length > 0 &&
      !definition.matchAny.some((match) => matches(match, from, to))
    ) {
      return null;
    }
    if (via) {
      if (via.id === from.id || via.id === to.id) return null;
      if (!definition.via!.fromMatch.every((match) => matches(match, from, via))) return null;
      if (!definition.via!.toMatch.every((match) => matches(match, via, to))) return null;
    }
    // Siblings are unordered: one relationship per pair, whichever side changed.
    const [a, b] = definition.kind === 'sibling' && to.id < from.id ? [to, from] : [from, to];
    const relationship: InferredRelationship = {
      id: this.idOf(a.id, b.id),
      definition: definition.id,
      kind: definition.kind,
      type: definition.type,
      subType: definition.subType,
      from: a.id,
      to: b.id,
    };
    if (via) relationship.via = via.id;
    return relationship;
  }

  private denied(from: Component, to: Component): boolean {
    const { deny } = this.definition;
    if (deny.from.length === 0 && deny.to.length === 0) return false;
    const inList = (list: EndpointSelector[], component: Component) =>
      list.length === 0 || list.some((selector) => selects(selector, component));
    return inList(deny.from, from) && inList(deny.to, to);
  }

  /**
   * An index of the components `selectors` allow, by their keys for `match` on `side`, each
   * prefixed with the namespace when the definition pairs within one namespace only.
   */
  private sideIndex(
    selectors: EndpointSelector[],
    alternatives: Match[],
    side: 'from' | 'to',
  ): KeyIndex {
    const sameNamespace = this.definition.sameNamespace;
    return new KeyIndex((component) => {
      // Most definitions concern a few kinds: most components get no keys, and no new array.
      if (!selectors.some((selector) => selects(selector, component))) return NO_KEYS;
      const prefix = sameNamespace ? `${namespaceOf(component)}\u0000` : '';
      if (alternatives.length === 0) return [prefix];
      const keys = alternatives.flatMap((match) => matchKeys(match, side, component)!);
      return prefix === '' ? keys : keys.map((key) => prefix + key);
    });
  }

  private indexes(): KeyIndex[] {
    const all = [this.fromSide, this.toSide];
    if (this.viaFromSide && this.viaToSide) all.push(this.viaFromSide, this.viaToSide);
    return all;
  }
}

const EMPTY: ReadonlySet<string> = new Set();
const NO_KEYS: readonly string[] = [];

/** Component ids by key, and each component's keys, so a change can replace them. */
class KeyIndex {
  private readonly byKey = new Map<string, Set<string>>();
  private readonly keysById = new Map<string, readonly string[]>();

  constructor(private readonly keysFor: (component: Component) => readonly string[]) {}

  set(component: Component): void {
    const found = this.keysFor(component);
    if (this.keysById.has(component.id)) this.delete(component.id);
    if (found.length === 0) return;
    const keys = found.length === 1 ? found : [...new Set(found)];
    this.keysById.set(component.id, keys);
    for (const key of keys) {
      let ids = this.byKey.get(key);
      if (!ids) this.byKey.set(key, (ids = new Set()));
      ids.add(component.id);
    }
  }

  delete(id: string): void {
    for (const key of this.keysById.get(id) ?? []) {
      const ids = this.byKey.get(key)!;
      ids.delete(id);
      if (ids.size === 0) this.byKey.delete(key);
    }
    this.keysById.delete(id);
  }

  keysOf(id: string): readonly string[] {
    return this.keysById.get(id) ?? NO_KEYS;
  }

  /** Every component indexed under any of `keys`, in the order they were indexed. */
  partners(keys: readonly string[]): ReadonlySet<string> {
    if (keys.length === 0) return EMPTY;
    if (keys.length === 1) return this.byKey.get(keys[0]!) ?? EMPTY;
    const ids = new Set<string>();
    for (const key of keys) for (const id of this.byKey.get(key) ?? []) ids.add(id);
    return ids;
  }
}

/**
 * The matches whose keys index a definition: its first `match` that gives keys, or else every
 * alternative of `matchAny` if all give keys (a pair matching any of them shares a key of one).
 * None means the definition gives no handle: partners are found by namespace alone.
 */
function indexable(all: Match[], any: Match[] = []): Match[] {
  const keyed = (match: Match) => match.strategy !== 'not-null';
  const first = all.find(keyed);
  if (first) return [first];
  return any.length > 0 && any.every(keyed) ? any : [];
}

/** Namespaced components without a namespace live in `default`, as on a cluster. */
const namespaceOf = (component: Component): string => component.namespace || 'default';

/** The components a relationship ties together: its endpoints and any intermediary. */
export const endpointsOf = (relationship: InferredRelationship): string[] =>
  relationship.via
    ? [relationship.from, relationship.to, relationship.via]
    : [relationship.from, relationship.to];

/** A copy of `component` with `value` at `path`, creating objects on the way. */
function withValue(component: Component, path: ValuePath, value: JsonValue): Component {
  const copy = structuredClone(component) as unknown as Record<string, JsonValue>;
  let node = copy;
  path.forEach((step, index) => {
    if (index === path.length - 1) {
      node[step] = value;
      return;
    }
    const next = node[step];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[step] = {};
    node = node[step] as Record<string, JsonValue>;
  });
  return copy as unknown as Component;
}
