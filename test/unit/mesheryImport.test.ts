/**
 * Meshery relationship definitions converted into ours: what converts, that the result infers
 * what it should, and what is refused (with the field and the reason).
 */
import { describe, expect, it } from 'vitest';
import { RelationshipEngine } from '../../shared/relationships/engine.js';
import { importMesheryRelationships } from '../../shared/relationships/meshery.js';
import { component } from '../helpers/components.js';

/** A Deployment's labels patch a Service's selector: Meshery's own documentation example. */
const reference = {
  id: '00000000-0000-0000-0000-000000000000',
  schemaVersion: 'relationships.meshery.io/v1alpha3',
  kind: 'edge',
  type: 'non-binding',
  subType: 'reference',
  metadata: { description: 'labels patch a selector' },
  selectors: [
    {
      allow: {
        from: [
          {
            kind: 'Deployment',
            model: { name: 'kubernetes' },
            patch: {
              patchStrategy: 'replace',
              mutatorRef: [['configuration', 'spec', 'template', 'metadata', 'labels']],
            },
          },
        ],
        to: [
          {
            kind: 'Service',
            model: { name: 'kubernetes' },
            patch: {
              patchStrategy: 'replace',
              mutatedRef: [['configuration', 'spec', 'selector']],
            },
          },
        ],
      },
      deny: {
        from: [{ kind: 'Service', model: { name: 'kubernetes' }, patch: null }],
        to: [{ kind: 'Service', model: { name: 'kubernetes' }, patch: null }],
      },
    },
  ],
};

/** A v1beta1 definition: a ConfigMap's name and namespace referred to, compared as strings. */
const byName = {
  schemaVersion: 'relationships.meshery.io/v1beta1',
  kind: 'edge',
  type: 'non-binding',
  subType: 'reference',
  match_strategy_matrix: [['equal_as_strings'], ['equal']],
  selectors: [
    {
      allow: {
        from: [
          {
            kind: 'ConfigMap',
            model: 'kubernetes',
            patch: {
              mutatorRef: [
                ['configuration', 'metadata', 'name'],
                ['configuration', 'metadata', 'namespace'],
              ],
            },
          },
        ],
        to: [
          {
            kind: 'Pod',
            model: 'kubernetes',
            patch: {
              mutatedRef: [
                ['configuration', 'spec', 'volumes', '_', 'configMap', 'name'],
                ['namespace'],
              ],
            },
          },
        ],
      },
    },
  ],
};

describe('Meshery relationship import', () => {
  it('converts selectors, paths, denies and the patch', () => {
    const [definition] = importMesheryRelationships(reference, 'deployment-service.json');
    expect(definition).toMatchObject({
      id: 'meshery/edge-non-binding-reference-deployment-service',
      kind: 'edge',
      subType: 'reference',
      description: 'labels patch a selector',
      from: [{ kind: 'Deployment', model: 'kubernetes' }],
      to: [{ kind: 'Service', model: 'kubernetes' }],
      deny: {
        from: [{ kind: 'Service', model: 'kubernetes' }],
        to: [{ kind: 'Service', model: 'kubernetes' }],
      },
      match: [
        {
          from: ['config', 'spec', 'template', 'metadata', 'labels'],
          to: ['config', 'spec', 'selector'],
          strategy: 'equal',
        },
      ],
      patch: {
        source: 'from',
        sourcePath: ['config', 'spec', 'template', 'metadata', 'labels'],
        targetPath: ['config', 'spec', 'selector'],
      },
    });
  });

  it('infers with the converted definition like with our own', () => {
    const definitions = importMesheryRelationships([reference, byName], 'mixed.json');
    const engine = new RelationshipEngine(definitions);
    engine.update({
      upserted: [
        component('Deployment', 'web', {
          spec: { template: { metadata: { labels: { app: 'web' } } } },
        }),
        component('Service', 'web', { spec: { selector: { app: 'web' } } }),
        component('Service', 'other', { spec: { selector: { app: 'other' } } }),
        component('ConfigMap', 'settings', {}),
        component('Pod', 'debug', {
          spec: { volumes: [{ name: 'v', configMap: { name: 'settings' } }] },
        }),
      ],
      removed: [],
    });
    expect([...engine.relationships.values()].map((r) => `${r.from}→${r.to}`).sort()).toEqual([
      'ConfigMap/settings→Pod/debug',
      'Deployment/web→Service/web',
    ]);
  });

  it.each([
    [
      { ...reference, schemaVersion: 'relationships.meshery.io/v2' },
      '[0].schemaVersion must be one of',
    ],
    [{ ...reference, selectors: [] }, '[0].selectors must hold at least one selector'],
    [
      withFrom({ kind: 'Deployment', match: { from: [{ kind: 'Role' }] } }),
      '[0].selectors[0].allow.from[0].match match clauses',
    ],
    [
      withFrom({ kind: 'Deployment', patch: { mutatorRef: [['component', 'version']] } }),
      '[0].selectors[0].allow.from[0].patch.mutatorRef has a path we cannot follow',
    ],
    [
      withFrom({
        kind: 'Deployment',
        patch: {
          mutatorRef: [
            ['configuration', 'a'],
            ['configuration', 'b'],
          ],
        },
      }),
      '[0].selectors[0].allow pairs 2 mutatorRef paths with 1 mutatedRef paths',
    ],
    [withFrom({ kind: 'Deployment' }), '[0].selectors[0].allow has no mutatorRef on one side'],
  ])('refuses what it cannot express, naming the field (%#)', (input, message) => {
    expect(() => importMesheryRelationships(input, 'theirs.json')).toThrow(
      `theirs.json: ${message}`,
    );
  });
});

/** The reference definition with its single `from` entry replaced. */
function withFrom(entry: object) {
  const [selector] = reference.selectors;
  return {
    ...reference,
    selectors: [{ ...selector, allow: { ...selector!.allow, from: [entry] } }],
  };
}
