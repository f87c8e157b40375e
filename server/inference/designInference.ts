/**
 * Keeps one design's derived room in step with its components: relationship inference and
 * best-practice findings after every change, batched per event-loop turn.
 *
 * - Changes to `components` (any depth) mark those components; `layout` is not watched, so
 *   moving things triggers nothing.
 * - The engine's patches are written to the design with INFERENCE_ORIGIN; changes of that
 *   origin are not fed back (the engine already holds the patched state), so they never loop.
 * - Inferred relationships go to the derived room's `relationships`, each with the status the
 *   design's `overrides` give it (accepted, rejected, or just inferred).
 * - Findings are worked out again for every component a change touched: the changed ones, the
 *   patched ones, and the endpoints of relationships that came or went (a ConfigMap added
 *   clears the missing-reference finding of the workload that uses it). A change to the
 *   design's check settings (`meta.checks`) works out all of them again.
 * - On start the whole design is evaluated and the derived room is made to match it exactly,
 *   so whatever it held from before a restart is corrected.
 * - The hub's OPA policies run after the same changes, in a worker (see DesignPolicies); their
 *   findings join each component's when they arrive.
 */
import * as Y from 'yjs';
import { subjectIn, type CheckSubject, type Finding } from '../../shared/checks/bestPractices.js';
import {
  CHECK_SETTINGS_KEY,
  DesignKey,
  readComponentById,
  readDisabledChecks,
  readLayoutMap,
  readMeta,
  readUserRelationships,
  writeComponentValue,
} from '../../shared/design/convert.js';
import {
  readDerivedRelationships,
  readComponentFindings,
  readFindings,
  removeDerivedRelationship,
  writeDerivedRelationship,
  writeFindings,
  type DerivedRelationship,
  type RelationshipStatus,
} from '../../shared/design/derived.js';
import type { Component } from '../../shared/design/model.js';
import type { RelationshipDefinition } from '../../shared/relationships/definition.js';
import {
  endpointsOf,
  RelationshipEngine,
  type InferenceAction,
  type InferredRelationship,
} from '../../shared/relationships/engine.js';
import { derivedRoom, parseRoomName } from '../../shared/rooms.js';
import { HubError } from '../errors.js';
import { HUB_ORIGIN, LOAD_ORIGIN, type Room } from '../hub/room.js';
import type { RoomRegistry } from '../hub/roomRegistry.js';
import type { Logger } from '../log.js';
import { DesignPolicies, type PolicyChanges } from '../policies/designPolicies.js';
import { policyInput, type PolicyInput } from '../policies/policyInput.js';
import type { PolicyRegistry } from '../policies/policyRegistry.js';

/** Every finding for one component, leaving out the checks in `disabled`. */
export type FindingsFor = (subject: CheckSubject, disabled: ReadonlySet<string>) => Finding[];

/** Transaction origin of the patches inference makes to a design. */
export const INFERENCE_ORIGIN = Symbol('weft-inference');

export class DesignInference {
  private readonly engine: RelationshipEngine;
  private readonly dirty = new Set<string>();
  private scheduled = false;
  private started = false;
  private stopped = false;
  private readonly policies: DesignPolicies | null;

  constructor(
    private readonly designId: string,
    private readonly design: Room,
    private readonly derived: Room,
    definitions: readonly RelationshipDefinition[],
    private readonly findingsFor: FindingsFor,
    policies: PolicyRegistry | null,
    logger: Logger,
  ) {
    this.engine = new RelationshipEngine(definitions);
    this.policies =
      policies &&
      new DesignPolicies(policies, this.policyInput, this.onPolicyResults, (error) =>
        logger.error(`running policies over design ${designId} failed`, error),
      );
  }

  /** Starts once the design's document is built; nothing is built early for it. */
  start(): void {
    this.design.whenBuilt(() => {
      if (this.stopped) return;
      this.started = true;
      this.components.observeDeep(this.onComponentsChanged);
      this.overrides.observe(this.onOverridesChanged);
      this.meta.observeDeep(this.onMetaChanged);
      this.evaluateAll();
      this.policies?.schedule();
    });
  }

  stop(): void {
    this.stopped = true;
    this.policies?.stop();
    if (!this.started) return;
    this.components.unobserveDeep(this.onComponentsChanged);
    this.overrides.unobserve(this.onOverridesChanged);
    this.meta.unobserveDeep(this.onMetaChanged);
  }

  private get components(): Y.Map<unknown> {
    return this.design.doc.getMap(DesignKey.components);
  }

  private get overrides(): Y.Map<unknown> {
    return this.design.doc.getMap(DesignKey.overrides);
  }

  private get meta(): Y.Map<unknown> {
    return this.design.doc.getMap(DesignKey.meta);
  }

  private evaluateAll(): void {
    const components = [...this.components.keys()]
      .map((id) => readComponentById(this.design.doc, id))
      .filter((component): component is Component => component !== undefined);
    const actions = this.engine.update({ upserted: components, removed: [] });
    this.applyPatches(actions);
    // Make the derived room match, writing only what differs from what it already holds.
    const held = new Map(readDerivedRelationships(this.derived.doc).map((r) => [r.id, r]));
    this.derived.doc.transact(() => {
      const wanted = this.engine.relationships;
      // Relationships policies drew are theirs to keep or erase.
      const drawn = this.policies?.relationships;
      for (const id of held.keys()) {
        if (!wanted.has(id) && !drawn?.has(id)) removeDerivedRelationship(this.derived.doc, id);
      }
      for (const relationship of wanted.values()) {
        const derived = this.derive(relationship);
        const existing = held.get(relationship.id);
        if (!existing || !sameRelationship(existing, derived)) {
          writeDerivedRelationship(this.derived.doc, derived);
        }
      }
      this.refreshAllFindings();
    }, HUB_ORIGIN);
  }

  /**
   * Works out every component's findings, writing only what changed; drops stale entries (those
   * of failed policies are kept until the policies run again).
   */
  private refreshAllFindings(): void {
    const policyKeys = new Set(this.policies?.policyKeys());
    for (const id of Object.keys(readFindings(this.derived.doc))) {
      if (!this.engine.components.has(id) && !policyKeys.has(id)) {
        writeFindings(this.derived.doc, id, []);
      }
    }
    this.refreshFindings([...this.engine.components.keys(), ...policyKeys]);
  }

  /**
   * Works out the findings of `ids` (component ids, or a failed policy's check id), writing
   * those that changed (reading only theirs).
   */
  private refreshFindings(ids: Iterable<string>): void {
    const disabled = readDisabledChecks(this.design.doc);
    for (const id of ids) {
      const component = this.engine.components.get(id);
      const findings = [
        ...(component ? this.findingsFor(subjectIn(this.engine, component), disabled) : []),
        ...(this.policies?.findingsOf(id) ?? []),
      ];
      const held = readComponentFindings(this.derived.doc, id);
      if (JSON.stringify(findings) !== JSON.stringify(held)) {
        writeFindings(this.derived.doc, id, findings);
      }
    }
  }

  private readonly onComponentsChanged = (
    events: Y.YEvent<Y.AbstractType<unknown>>[],
    transaction: Y.Transaction,
  ): void => {
    if (transaction.origin === INFERENCE_ORIGIN || transaction.origin === LOAD_ORIGIN) return;
    for (const event of events) {
      // A change inside a component has its id first in the path; one to the map itself
      // names the components added or deleted.
      const [componentId] = event.path;
      if (typeof componentId === 'string') this.dirty.add(componentId);
      else for (const key of event.changes.keys.keys()) this.dirty.add(key);
    }
    this.schedule();
  };

  private readonly onOverridesChanged = (event: Y.YMapEvent<unknown>): void => {
    this.derived.doc.transact(() => {
      for (const id of event.keysChanged) {
        const relationship =
          this.engine.relationships.get(id) ?? this.policies?.relationships.get(id);
        if (relationship) this.writeRelationship(relationship);
      }
    }, HUB_ORIGIN);
  };

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.evaluateChanges);
  }

  private readonly evaluateChanges = (): void => {
    this.scheduled = false;
    if (this.stopped || this.dirty.size === 0) return;
    const upserted: Component[] = [];
    const removed: string[] = [];
    for (const id of this.dirty) {
      const component = readComponentById(this.design.doc, id);
      if (component) upserted.push(component);
      else removed.push(id);
    }
    this.dirty.clear();
    const actions = this.engine.update({ upserted, removed });
    this.applyPatches(actions);
    const touched = new Set([...upserted.map((component) => component.id), ...removed]);
    this.derived.doc.transact(() => {
      for (const action of actions) {
        if (action.action === 'patch') {
          touched.add(action.component);
          continue;
        }
        for (const id of endpointsOf(action.relationship)) touched.add(id);
        if (action.action === 'add') this.writeRelationship(action.relationship);
        else removeDerivedRelationship(this.derived.doc, action.id);
      }
      this.refreshFindings(touched);
    }, HUB_ORIGIN);
    this.policies?.schedule();
  };

  private readonly policyInput = (): PolicyInput =>
    policyInput(
      this.designId,
      // The engine's components and relationships are the design's, already read.
      () => ({
        design: {
          meta: readMeta(this.design.doc),
          components: [...this.engine.components.values()],
          layout: readLayoutMap(this.design.doc),
          relationships: readUserRelationships(this.design.doc),
        },
        inferred: this.engine.relationships.values(),
        rejected: (id) => this.overrides.get(id) === 'rejected',
      }),
      readDisabledChecks(this.design.doc),
    );

  private readonly onPolicyResults = (changes: PolicyChanges): void => {
    if (this.stopped) return;
    this.derived.doc.transact(() => {
      for (const relationship of changes.drawn) this.writeRelationship(relationship);
      for (const id of changes.erased) removeDerivedRelationship(this.derived.doc, id);
      this.refreshFindings(changes.findings);
    }, HUB_ORIGIN);
  };

  private readonly onMetaChanged = (events: Y.YEvent<Y.AbstractType<unknown>>[]): void => {
    const checksChanged = events.some(
      (event) =>
        event.path[0] === CHECK_SETTINGS_KEY ||
        (event.path.length === 0 && event.changes.keys.has(CHECK_SETTINGS_KEY)),
    );
    if (!checksChanged) return;
    this.derived.doc.transact(() => this.refreshAllFindings(), HUB_ORIGIN);
    this.policies?.schedule();
  };

  private applyPatches(actions: InferenceAction[]): void {
    const patches = actions.filter((action) => action.action === 'patch');
    if (patches.length === 0) return;
    this.design.doc.transact(() => {
      for (const patch of patches) {
        writeComponentValue(this.design.doc, patch.component, patch.path, patch.value);
      }
    }, INFERENCE_ORIGIN);
  }

  private writeRelationship(relationship: InferredRelationship): void {
    writeDerivedRelationship(this.derived.doc, this.derive(relationship));
  }

  private derive(relationship: InferredRelationship): DerivedRelationship {
    return withStatus(relationship, this.overrides.get(relationship.id));
  }
}

/** A relationship as the derived room holds it, with the status a user decision gives it. */
export function withStatus(
  relationship: InferredRelationship,
  decision: unknown,
): DerivedRelationship {
  const status: RelationshipStatus =
    decision === 'accepted' || decision === 'rejected' ? decision : 'inferred';
  return { ...relationship, status };
}

const FIELDS = ['kind', 'type', 'subType', 'from', 'to', 'definition', 'status', 'via'] as const;

const sameRelationship = (a: DerivedRelationship, b: DerivedRelationship): boolean =>
  FIELDS.every((field) => a[field] === b[field]);

/**
 * What the room registry calls for each loaded room: for a design room, starts inference
 * into its derived room (held loaded meanwhile); returns how to stop it.
 */
export function inferenceAttacher(
  rooms: RoomRegistry,
  definitions: readonly RelationshipDefinition[],
  findingsFor: FindingsFor,
  policies: PolicyRegistry | null,
  logger: Logger,
): (room: Room) => (() => void) | undefined {
  return (design) => {
    const name = parseRoomName(design.name);
    if (name?.kind !== 'design') return undefined;
    let inference: DesignInference | undefined;
    let derived: Room | undefined;
    let detached = false;
    rooms.acquire({ name: derivedRoom(name.designId), persistent: true }).then(
      (room) => {
        if (detached) return rooms.release(room);
        derived = room;
        inference = new DesignInference(
          name.designId,
          design,
          room,
          definitions,
          findingsFor,
          policies,
          logger,
        );
        inference.start();
      },
      (error: unknown) => {
        // Shutting down, or unreadable derived data: the design itself still works.
        if (!(error instanceof HubError))
          logger.error(`inference for ${design.name} did not start`, error);
      },
    );
    return () => {
      detached = true;
      inference?.stop();
      if (derived) rooms.release(derived);
    };
  };
}
