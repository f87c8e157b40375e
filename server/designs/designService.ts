/**
 * Designs: records in LMDB plus one Yjs document each (and its derived room). REST reads come
 * from the live room when one is loaded, otherwise straight from LMDB; REST writes go through
 * the room, so connected editors see them and they follow the same persistence path.
 */
import * as Y from 'yjs';
import {
  readDesign,
  readDisabledChecks,
  writeComponent,
  writeLayout,
  writeMeta,
} from '../../shared/design/convert.js';
import {
  COMPONENT_SIZE,
  CONTAINER_MIN_SIZE,
  layeredLayout,
} from '../../shared/design/layeredLayout.js';
import {
  ManifestError,
  parseManifests,
  printManifests,
  toComponent,
} from '../../shared/design/manifests.js';
import { subjectIn, type Finding } from '../../shared/checks/bestPractices.js';
import {
  readDerivedRelationships,
  asDesignRelationships,
  readFindings,
  type DerivedRelationship,
} from '../../shared/design/derived.js';
import type {
  Component,
  DesignContent,
  JsonObject,
  LayoutEntry,
} from '../../shared/design/model.js';
import type { RelationshipDefinition } from '../../shared/relationships/definition.js';
import {
  RelationshipEngine,
  type InferredRelationship,
} from '../../shared/relationships/engine.js';
import { presentUser, type PresentUser } from '../../shared/presence.js';
import { newId } from '../../shared/ids.js';
import { CloseCode } from '../../shared/protocol.js';
import { derivedRoom, designRoom, isValidId } from '../../shared/rooms.js';
import { badRequest, notFound } from '../errors.js';
import { HUB_ORIGIN } from '../hub/room.js';
import { withStatus, type FindingsFor } from '../inference/designInference.js';
import { evaluatePolicies } from '../policies/designPolicies.js';
import { policyInput } from '../policies/policyInput.js';
import type { PolicyRegistry } from '../policies/policyRegistry.js';
import type { ModelRegistry } from '../models/modelRegistry.js';
import type { RoomRegistry } from '../hub/roomRegistry.js';
import type { DesignRecords, DesignRecord } from '../store/designRecords.js';
import { applyStoredDoc, type DocLog } from '../store/docLog.js';
import type { DesignCreate, DesignPatch } from './designInput.js';

/** A design as `GET /api/designs/:id` returns it. */
export type DesignDetail = DesignRecord &
  Omit<DesignContent, 'meta' | 'overrides'> & { findings: Record<string, Finding[]> };

/** A design as `GET /api/designs` lists it: its record and who has it open right now. */
export type DesignSummary = DesignRecord & { present: PresentUser[] };

/** What inference found for a design. */
interface DerivedView {
  relationships: DerivedRelationship[];
  findings: Record<string, Finding[]>;
}

/** `updatedAt` follows edits with at most this delay, costing one record write per period. */
const UPDATED_AT_DELAY_MS = 2_000;

export class DesignService {
  /** Designs being deleted: refused at once, before their records are gone from disk. */
  private readonly deleting = new Set<string>();
  /** Pending `updatedAt` writes, one per edited design. */
  private readonly touches = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly records: DesignRecords,
    private readonly log: DocLog,
    private readonly rooms: RoomRegistry,
    private readonly definitions: readonly RelationshipDefinition[],
    private readonly findingsFor: FindingsFor,
    private readonly models: ModelRegistry,
    /** Run over designs nobody has open when they are read; null runs none. */
    private readonly policies: PolicyRegistry | null,
    /** Told about background writes that failed (no request is waiting to hear about them). */
    private readonly onWriteError: (what: string, error: unknown) => void,
  ) {}

  exists(id: string): boolean {
    return this.find(id) !== undefined;
  }

  list(): DesignSummary[] {
    return this.records.list().map((record) => ({ ...record, present: this.present(record.id) }));
  }

  /**
   * Creates the record and the document's first update (its `meta`, and any components and
   * layout given) in one LMDB batch.
   */
  async create(
    input: DesignCreate,
    initial: Pick<DesignContent, 'components' | 'layout'> = { components: [], layout: {} },
  ): Promise<DesignRecord> {
    const now = new Date().toISOString();
    const record: DesignRecord = { id: newId(), ...input, createdAt: now, updatedAt: now };
    const doc = new Y.Doc();
    doc.transact(() => {
      writeMeta(doc, { name: record.name, description: record.description, labels: {} });
      for (const component of initial.components) writeComponent(doc, component);
      for (const [id, entry] of Object.entries(initial.layout)) writeLayout(doc, id, entry);
    });
    const firstUpdate = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    await Promise.all([
      this.log.append(designRoom(record.id), 1, firstUpdate),
      this.records.put(record),
    ]);
    return record;
  }

  async get(id: string): Promise<DesignDetail> {
    const record = this.require(id);
    // One read of the document for both: for a design nobody has open it is built from storage.
    const { content, disabled } = this.withDesignDoc(id, (doc) => ({
      content: readDesign(doc),
      disabled: readDisabledChecks(doc),
    }));
    const derived = await this.derivedView(id, content, disabled);
    const inferred = asDesignRelationships(derived.relationships);
    return {
      ...record,
      components: content.components,
      layout: content.layout,
      relationships: [...content.relationships, ...inferred],
      findings: derived.findings,
    };
  }

  /**
   * The design's document as one Yjs update, for a client to apply before it connects to the
   * room: its first sync then carries only what changed since. A design nobody has open is
   * answered from storage without building its document: the stored snapshot itself when that
   * is all there is (as the room answers a first sync), or the stored parts merged.
   */
  state(id: string): Uint8Array {
    this.require(id);
    const live = this.rooms.loaded(designRoom(id));
    if (live) return Y.encodeStateAsUpdate(live.doc);
    const { parts } = this.log.load(designRoom(id));
    return parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
  }

  /**
   * Creates a design from Kubernetes manifests (see `importObjects`). Throws a 400 naming the
   * document and line of anything unusable.
   */
  async importManifests(input: DesignCreate, text: string): Promise<DesignRecord> {
    let objects;
    try {
      objects = parseManifests(text);
    } catch (error) {
      if (error instanceof ManifestError) throw badRequest('invalid_manifest', error.message);
      throw error;
    }
    return this.importObjects(input, objects);
  }

  /**
   * Creates a design from Kubernetes objects, each with apiVersion, kind and metadata.name: one
   * component per object (kinds nobody knows are kept as they are; custom resources take the
   * model of their imported CRD), each namespaced one placed in its Namespace when the import
   * has one, laid out along the relationships inference finds. Manifest imports and discovery
   * from a cluster both come this way.
   */
  async importObjects(input: DesignCreate, objects: readonly JsonObject[]): Promise<DesignRecord> {
    const components = objects.map((object) => {
      const component = toComponent(object, newId());
      // A custom resource belongs to the model imported from its CRD, when there is one.
      component.model =
        this.models.modelOf(component.apiVersion, component.kind) ?? component.model;
      return component;
    });
    const namespaces = new Map(
      components.filter((c) => c.kind === 'Namespace').map((c) => [c.name, c.id]),
    );
    for (const component of components) {
      const parent = component.namespace && namespaces.get(component.namespace);
      if (parent) component.parent = parent;
    }
    return this.create(input, { components, layout: this.layOut(components) });
  }

  /** Positions for new components: ranked along the relationships inference finds among them. */
  private layOut(components: readonly Component[]): Record<string, LayoutEntry> {
    const engine = new RelationshipEngine(this.definitions);
    engine.update({ upserted: components, removed: [] });
    const parents = new Set(components.map((component) => component.parent));
    const boxes = components.map(({ id, parent, model, kind }) => ({
      id,
      parent,
      ...(parents.has(id) || this.models.drawnAsContainer(model, kind)
        ? CONTAINER_MIN_SIZE
        : COMPONENT_SIZE),
    }));
    return Object.fromEntries(layeredLayout(boxes, engine.relationships.values()));
  }

  /** The design as multi-document Kubernetes YAML. */
  manifests(id: string): string {
    this.require(id);
    return printManifests(this.readContent(id).components);
  }

  /** Updates the record and the document's `meta`, which every connected editor sees. */
  async update(id: string, patch: DesignPatch): Promise<DesignRecord> {
    const record = { ...this.require(id), ...patch, updatedAt: new Date().toISOString() };
    await this.rooms.with({ name: designRoom(id), persistent: true }, async (room) => {
      room.doc.transact(() => writeMeta(room.doc, patch), HUB_ORIGIN);
      await this.records.put(record);
    });
    return record;
  }

  /**
   * Reads the design's document: the live room's, or one built from storage for the purpose
   * (so `read` must not keep it or write to it). Throws 404 for an unknown design.
   */
  read<T>(id: string, read: (doc: Y.Doc) => T): T {
    this.require(id);
    return this.withDesignDoc(id, read);
  }

  /**
   * Changes the design's document through its room, as an edit of the hub's own: connected
   * editors see it at once and it is stored like theirs. Throws 404 for an unknown design.
   */
  async edit<T>(id: string, change: (doc: Y.Doc) => T): Promise<T> {
    this.require(id);
    return this.rooms.with({ name: designRoom(id), persistent: true }, (room) => {
      let result!: T;
      room.doc.transact(() => (result = change(room.doc)), HUB_ORIGIN);
      return result;
    });
  }

  /** Closes both rooms of the design with 4404 and deletes all its data. */
  async remove(id: string): Promise<void> {
    this.require(id);
    this.deleting.add(id);
    try {
      const rooms = [designRoom(id), derivedRoom(id)];
      await Promise.all(
        rooms.map((name) => this.rooms.evict(name, CloseCode.notFound, 'design deleted')),
      );
      await Promise.all([...rooms.map((name) => this.log.remove(name)), this.records.remove(id)]);
    } finally {
      this.deleting.delete(id);
    }
  }

  /** A design's document changed: move its `updatedAt` forward shortly. */
  noteEdited(id: string): void {
    if (!this.touches.has(id)) {
      this.touches.set(
        id,
        setTimeout(() => this.touch(id), UPDATED_AT_DELAY_MS),
      );
    }
  }

  /** Writes pending `updatedAt` changes now (shutdown). */
  flushTouches(): void {
    for (const [id, timer] of this.touches) {
      clearTimeout(timer);
      this.touch(id);
    }
  }

  private touch(id: string): void {
    this.touches.delete(id);
    const record = this.find(id);
    if (!record) return;
    this.records
      .put({ ...record, updatedAt: new Date().toISOString() })
      .catch((error: unknown) => this.onWriteError(`updating design ${id}`, error));
  }

  /** The people connected to the design's room; nobody when it is not loaded. */
  private present(id: string): PresentUser[] {
    const room = this.rooms.loaded(designRoom(id));
    if (!room) return [];
    return room.awarenessStates().flatMap((state) => presentUser(state) ?? []);
  }

  private find(id: string): DesignRecord | undefined {
    if (!isValidId(id) || this.deleting.has(id)) return undefined;
    return this.records.get(id);
  }

  private require(id: string): DesignRecord {
    const record = this.find(id);
    if (!record) throw notFound('design', id);
    return record;
  }

  /**
   * What inference and policies found: what the hub keeps in the live derived room, or, for a
   * design nobody has open, worked out now from its stored content (the same engine, checks and
   * policies; nothing is written).
   */
  private async derivedView(
    id: string,
    content: DesignContent,
    disabled: ReadonlySet<string>,
  ): Promise<DerivedView> {
    const live = this.rooms.loaded(derivedRoom(id));
    if (live) {
      return {
        relationships: readDerivedRelationships(live.doc),
        findings: readFindings(live.doc),
      };
    }
    const engine = new RelationshipEngine(this.definitions);
    engine.update({ upserted: content.components, removed: [] });
    const derive = (relationship: InferredRelationship) =>
      withStatus(relationship, content.overrides[relationship.id]);
    const relationships = [...engine.relationships.values()].map(derive);
    const findings: Record<string, Finding[]> = {};
    for (const component of engine.components.values()) {
      const found = this.findingsFor(subjectIn(engine, component), disabled);
      if (found.length > 0) findings[component.id] = found;
    }
    if (!this.policies) return { relationships, findings };
    const input = policyInput(
      id,
      () => ({
        design: content,
        inferred: engine.relationships.values(),
        rejected: (relationshipId) => content.overrides[relationshipId] === 'rejected',
      }),
      disabled,
    );
    const results = await evaluatePolicies(this.policies, input);
    for (const [key, found] of results.findings) {
      findings[key] = [...(findings[key] ?? []), ...found];
    }
    const drawn = [...results.relationships.values()].map(derive);
    return { relationships: [...relationships, ...drawn], findings };
  }

  private readContent(id: string): DesignContent {
    return this.withDesignDoc(id, readDesign);
  }

  /** Reads the design's document: the live room's, or one built from storage for the purpose. */
  private withDesignDoc<T>(id: string, read: (doc: Y.Doc) => T): T {
    const live = this.rooms.loaded(designRoom(id));
    if (live) return read(live.doc);
    const doc = new Y.Doc();
    try {
      applyStoredDoc(doc, this.log.load(designRoom(id)).parts, null);
      return read(doc);
    } finally {
      doc.destroy();
    }
  }
}
