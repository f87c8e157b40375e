import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readOverrides, readUserRelationships } from '../../shared/design/convert.js';
import { writeDerivedRelationship, type DerivedRelationship } from '../../shared/design/derived.js';
import {
  drawRelationship,
  relationshipActions,
  relationshipsOfComponent,
} from '../../web/src/editor/relationships.js';

const inferred = (
  id: string,
  kind: DerivedRelationship['kind'],
  subType: string,
  from: string,
  to: string,
): DerivedRelationship => ({
  id,
  kind,
  type: kind === 'hierarchical' ? 'parent' : 'non-binding',
  subType,
  from,
  to,
  definition: `test/${subType}`,
  status: 'inferred',
});

function designWithRelationships() {
  const doc = new Y.Doc();
  const derived = new Y.Doc();
  writeDerivedRelationship(derived, inferred('n1', 'edge', 'network', 'svc', 'web'));
  writeDerivedRelationship(derived, inferred('i1', 'hierarchical', 'inventory', 'ns', 'web'));
  writeDerivedRelationship(derived, inferred('m1', 'edge', 'mount', 'config', 'other'));
  drawRelationship(doc, 'web', 'config', {
    kind: 'edge',
    type: 'non-binding',
    subType: 'reference',
  });
  return { doc, derived };
}

describe('a component’s relationships', () => {
  it('lists drawn and inferred ones at either end, nesting and strangers left out', () => {
    const { doc, derived } = designWithRelationships();
    const drawnId = readUserRelationships(doc)[0]!.id;
    expect(relationshipsOfComponent(doc, derived, 'web')).toEqual([
      { id: 'n1', label: 'network', direction: 'incoming', other: 'svc', state: 'inferred' },
      { id: drawnId, label: 'reference', direction: 'outgoing', other: 'config', state: 'user' },
    ]);
  });

  it('offers each state its own choices, and applying one changes that state', () => {
    const { doc, derived } = designWithRelationships();
    const labels = (state: Parameters<typeof relationshipActions>[1]) =>
      relationshipActions('n1', state).map((action) => action.label);
    expect(labels('inferred')).toEqual(['Accept', 'Reject']);
    expect(labels('accepted')).toEqual(['Reject', 'Reset to inferred']);
    expect(labels('rejected')).toEqual(['Accept', 'Reset to inferred']);
    expect(labels('user')).toEqual(['Delete relationship']);

    relationshipActions('n1', 'inferred')[1]!.apply(doc);
    expect(readOverrides(doc)).toEqual({ n1: 'rejected' });
    expect(relationshipsOfComponent(doc, derived, 'svc')[0]!.state).toBe('rejected');
    relationshipActions('n1', 'rejected')[1]!.apply(doc);
    expect(readOverrides(doc)).toEqual({});

    const drawn = relationshipsOfComponent(doc, derived, 'config').find((r) => r.state === 'user')!;
    relationshipActions(drawn.id, 'user')[0]!.apply(doc);
    expect(readUserRelationships(doc)).toEqual([]);
  });
});
