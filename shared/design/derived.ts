/**
 * The derived room of a design (`designs/<id>/derived`): what the hub works out about it.
 * Entries are plain JSON values, each replaced whole, because only the hub writes them.
 */
import * as Y from 'yjs';
import type { Finding } from '../checks/bestPractices.js';
import type { ConnectionDeployment } from '../deploy/deployment.js';
import type { DriftFinding } from '../deploy/drift.js';
import type { OverrideDecision, Relationship } from './model.js';

export const DerivedKey = {
  relationships: 'relationships',
  findings: 'findings',
  deployments: 'deployments',
  drift: 'drift',
} as const;

/** An inferred relationship as it stands: `inferred` until someone accepts or rejects it. */
export type RelationshipStatus = 'inferred' | OverrideDecision;

export interface DerivedRelationship extends Omit<Relationship, 'origin'> {
  /** The definition that inferred it. */
  definition: string;
  status: RelationshipStatus;
  /** The intermediary of a three-party relationship (a RoleBinding, say). */
  via?: string;
}

const relationshipsOf = (doc: Y.Doc) =>
  doc.getMap<Omit<DerivedRelationship, 'id'>>(DerivedKey.relationships);

/** Adds or replaces one relationship. */
export function writeDerivedRelationship(doc: Y.Doc, relationship: DerivedRelationship): void {
  const { id, ...fields } = relationship;
  relationshipsOf(doc).set(id, fields);
}

export function removeDerivedRelationship(doc: Y.Doc, id: string): void {
  relationshipsOf(doc).delete(id);
}

export function readDerivedRelationships(doc: Y.Doc): DerivedRelationship[] {
  return [...relationshipsOf(doc).entries()].map(([id, fields]) => ({ id, ...fields }));
}

/** The inferred relationships with `componentId` at one end. */
export function readDerivedRelationshipsOf(doc: Y.Doc, componentId: string): DerivedRelationship[] {
  const found: DerivedRelationship[] = [];
  for (const [id, fields] of relationshipsOf(doc)) {
    if (fields.from === componentId || fields.to === componentId) found.push({ id, ...fields });
  }
  return found;
}

/** An inferred relationship as a design lists it (`origin: 'inferred'`). */
export function asDesignRelationship({
  id,
  kind,
  type,
  subType,
  from,
  to,
}: Omit<Relationship, 'origin'>): Relationship {
  return { id, kind, type, subType, from, to, origin: 'inferred' };
}

/** Inferred relationships as a design lists them, rejected ones left out. */
export function asDesignRelationships(derived: readonly DerivedRelationship[]): Relationship[] {
  return derived
    .filter((relationship) => relationship.status !== 'rejected')
    .map(asDesignRelationship);
}

/** Replaces a component's findings; none removes its entry. */
export function writeFindings(doc: Y.Doc, componentId: string, findings: readonly Finding[]): void {
  const map = doc.getMap<Finding[]>(DerivedKey.findings);
  if (findings.length > 0) map.set(componentId, [...findings]);
  else if (map.has(componentId)) map.delete(componentId);
}

/** One component's findings (none if it has no entry). */
export function readComponentFindings(doc: Y.Doc, componentId: string): Finding[] {
  return doc.getMap<Finding[]>(DerivedKey.findings).get(componentId) ?? [];
}

/** Every component's findings, by component id. */
export function readFindings(doc: Y.Doc): Record<string, Finding[]> {
  return Object.fromEntries(doc.getMap<Finding[]>(DerivedKey.findings).entries());
}

/** Replaces the progress of the latest deployment on one connection. */
export function writeDeployment(
  doc: Y.Doc,
  connectionId: string,
  progress: ConnectionDeployment,
): void {
  doc
    .getMap<ConnectionDeployment>(DerivedKey.deployments)
    .set(connectionId, structuredClone(progress));
}

/** The latest deployment on each connection, by connection id. */
export function readDeployments(doc: Y.Doc): Record<string, ConnectionDeployment> {
  return Object.fromEntries(doc.getMap<ConnectionDeployment>(DerivedKey.deployments).entries());
}

/** Replaces a component's drift (on every connection); none removes its entry. */
export function writeDrift(doc: Y.Doc, componentId: string, drift: readonly DriftFinding[]): void {
  const map = doc.getMap<DriftFinding[]>(DerivedKey.drift);
  if (drift.length > 0) map.set(componentId, structuredClone([...drift]));
  else if (map.has(componentId)) map.delete(componentId);
}

/** Every component's drift, by component id. */
export function readDrift(doc: Y.Doc): Record<string, DriftFinding[]> {
  return Object.fromEntries(doc.getMap<DriftFinding[]>(DerivedKey.drift).entries());
}
