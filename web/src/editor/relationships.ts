/**
 * Relationships as the editor offers them to people: how each state reads, what can be done
 * with one, and which touch a given component. The canvas's lines and their menus and the
 * property panel's list both work from here, so the two always offer the same choices.
 */
import type * as Y from 'yjs';
import {
  readOverrides,
  readUserRelationships,
  writeRelationship,
} from '../../../shared/design/convert';
import {
  readDerivedRelationshipsOf,
  type RelationshipStatus,
} from '../../../shared/design/derived';
import { decideRelationship, removeRelationship } from '../../../shared/design/edits';
import { newId } from '../../../shared/ids';
import type { RelationshipType } from '../api';

/** `user` for a relationship someone drew; an inferred one is inferred, accepted or rejected. */
export type RelationshipState = 'user' | RelationshipStatus;

/** How a relationship's state reads, after its type and ends. */
export const STATE_WORDS: Record<RelationshipState, string> = {
  user: 'drawn by hand',
  inferred: 'inferred',
  accepted: 'inferred and accepted',
  rejected: 'inferred and rejected',
};

export interface RelationshipAction {
  label: string;
  /** Takes something away: shown as such. */
  destructive?: boolean;
  apply(doc: Y.Doc): void;
}

/**
 * What can be done with a relationship in `state`: delete one that was drawn; accept, reject or
 * reconsider an inferred one (the decision is stored in the design's overrides).
 */
export function relationshipActions(id: string, state: RelationshipState): RelationshipAction[] {
  if (state === 'user') {
    return [
      {
        label: 'Delete relationship',
        destructive: true,
        apply: (doc) => removeRelationship(doc, id),
      },
    ];
  }
  const decide = (label: string, decision: Exclude<RelationshipState, 'user' | 'inferred'>) => ({
    label,
    apply: (doc: Y.Doc) => decideRelationship(doc, id, decision),
  });
  const actions: RelationshipAction[] = [];
  if (state !== 'accepted') actions.push(decide('Accept', 'accepted'));
  if (state !== 'rejected') actions.push(decide('Reject', 'rejected'));
  if (state !== 'inferred') {
    actions.push({
      label: 'Reset to inferred',
      apply: (doc) => decideRelationship(doc, id, undefined),
    });
  }
  return actions;
}

/** Draws a relationship of `type` from one component to another, as connecting handles does. */
export function drawRelationship(doc: Y.Doc, from: string, to: string, type: RelationshipType) {
  writeRelationship(doc, { id: newId(), ...type, from, to, origin: 'user' });
}

/** One relationship seen from one of its ends. */
export interface ComponentRelationship {
  id: string;
  /** The relationship's sub-type, e.g. `network`. */
  label: string;
  /** Whether the component is where it starts or where it ends. */
  direction: 'outgoing' | 'incoming';
  /** The component at the other end. */
  other: string;
  state: RelationshipState;
}

/**
 * Every relationship with `componentId` at one end, drawn or inferred, hierarchical ones left
 * out (nesting shows those), ordered by type and then by the other end.
 */
export function relationshipsOfComponent(
  doc: Y.Doc,
  derived: Y.Doc,
  componentId: string,
): ComponentRelationship[] {
  const found: ComponentRelationship[] = [];
  const add = (id: string, from: string, to: string, label: string, state: RelationshipState) => {
    if (from === componentId) found.push({ id, label, direction: 'outgoing', other: to, state });
    else if (to === componentId)
      found.push({ id, label, direction: 'incoming', other: from, state });
  };
  for (const { id, from, to, subType } of readUserRelationships(doc)) {
    add(id, from, to, subType, 'user');
  }
  const overrides = readOverrides(doc);
  for (const { id, kind, from, to, subType } of readDerivedRelationshipsOf(derived, componentId)) {
    if (kind !== 'hierarchical') add(id, from, to, subType, overrides[id] ?? 'inferred');
  }
  return found.sort(
    (a, b) =>
      a.label.localeCompare(b.label) || a.other.localeCompare(b.other) || a.id.localeCompare(b.id),
  );
}
