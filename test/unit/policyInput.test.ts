import { describe, expect, it } from 'vitest';
import type { InferredRelationship } from '../../shared/relationships/engine.js';
import { policyInput, type PolicySource } from '../../server/policies/policyInput.js';
import { component } from '../helpers/components.js';

const meta = { name: 'shop', description: 'd', labels: {}, schema: 1 };
const edge = (id: string, from: string, to: string): InferredRelationship => ({
  id,
  definition: 'kubernetes/x',
  kind: 'edge',
  type: 'network',
  subType: 'service',
  from,
  to,
});

describe('policyInput', () => {
  it('encodes the design as the designs API shows it, leaving out rejected relationships', () => {
    const web = component('Deployment', 'web');
    const source: PolicySource = {
      design: { meta, components: [web], layout: { [web.id]: { x: 1, y: 2 } }, relationships: [] },
      inferred: [edge('kept', 'a', 'b'), edge('rejected', 'a', 'c')],
      rejected: (id) => id === 'rejected',
    };
    const { json, componentIds } = policyInput('d1', () => source, new Set()).design();
    expect(JSON.parse(json)).toEqual({
      id: 'd1',
      name: 'shop',
      description: 'd',
      components: [web],
      layout: { [web.id]: { x: 1, y: 2 } },
      relationships: [
        {
          id: 'kept',
          kind: 'edge',
          type: 'network',
          subType: 'service',
          from: 'a',
          to: 'b',
          origin: 'inferred',
        },
      ],
    });
    expect([...componentIds]).toEqual([web.id]);
    // Each component's own fields come in its order, the id first.
    expect(json).toContain(`"components":[{"id":"${web.id}"`);
  });

  it('reads nothing until asked, once, and encodes a changed component anew', () => {
    let reads = 0;
    const first = component('Deployment', 'web', { spec: { replicas: 1 } });
    const source =
      (components = [first]): (() => PolicySource) =>
      () => {
        reads += 1;
        return {
          design: { meta, components, layout: {}, relationships: [] },
          inferred: [],
          rejected: () => false,
        };
      };
    const input = policyInput('d1', source(), new Set());
    expect(reads).toBe(0);
    input.design();
    input.design();
    expect(reads).toBe(1);
    const changed = { ...first, config: { spec: { replicas: 3 } } };
    const again = policyInput('d1', source([changed]), new Set()).design();
    expect(JSON.parse(again.json).components[0].config.spec.replicas).toBe(3);
  });
});
