/**
 * A large design built the way editors build one: each component added in one transaction
 * (component and its layout entry), then many small field edits, each its own transaction and
 * so its own Yjs update. Deterministic for a given seed.
 */
import * as prng from 'lib0/prng';
import * as Y from 'yjs';
import { DesignKey, writeComponent, writeLayout } from '../../shared/design/convert.js';
import type { Component } from '../../shared/design/model.js';

const KINDS = ['Deployment', 'Service', 'ConfigMap'] as const;
const GRID_COLUMNS = 100;
const GRID_SPACING = 160;

export const componentId = (index: number): string => `component-${index}`;

/** A Kubernetes resource shaped like the ones designs hold: Deployments, Services, ConfigMaps. */
export function sampleComponent(index: number): Component {
  const app = `app-${Math.floor(index / KINDS.length)}`;
  const kind = KINDS[index % KINDS.length]!;
  const base = {
    id: componentId(index),
    model: 'kubernetes',
    kind,
    name: `${app}-${kind.toLowerCase()}`,
    namespace: `team-${index % 20}`,
    labels: { app, 'app.kubernetes.io/part-of': 'bench' },
    annotations: { 'weft.dev/owner': `user-${index % 7}` },
  };
  switch (kind) {
    case 'Deployment':
      return {
        ...base,
        apiVersion: 'apps/v1',
        config: {
          spec: {
            replicas: 2,
            selector: { matchLabels: { app } },
            template: {
              metadata: { labels: { app } },
              spec: {
                containers: [
                  {
                    name: app,
                    image: `registry.example.com/${app}:1.0.0`,
                    ports: [{ containerPort: 8080 }],
                    resources: { requests: { cpu: '100m', memory: '128Mi' } },
                  },
                ],
              },
            },
          },
        },
      };
    case 'Service':
      return {
        ...base,
        apiVersion: 'v1',
        config: {
          spec: { type: 'ClusterIP', selector: { app }, ports: [{ port: 80, targetPort: 8080 }] },
        },
      };
    case 'ConfigMap':
      return { ...base, apiVersion: 'v1', config: { data: { LOG_LEVEL: 'info', REGION: 'eu' } } };
  }
}

/** Adds component `index` and its position, in one transaction. */
export function addComponent(doc: Y.Doc, index: number): void {
  const x = (index % GRID_COLUMNS) * GRID_SPACING;
  const y = Math.floor(index / GRID_COLUMNS) * GRID_SPACING;
  doc.transact(() => {
    writeComponent(doc, sampleComponent(index));
    writeLayout(doc, componentId(index), { x, y });
  });
}

/**
 * One small edit to a random one of the first `count` components, in one transaction: a label,
 * an annotation, a configuration field, or a move.
 */
export function editComponent(doc: Y.Doc, random: prng.PRNG, count: number, edit: number): void {
  const index = prng.int32(random, 0, count - 1);
  const id = componentId(index);
  const component = doc.getMap<Y.Map<unknown>>(DesignKey.components).get(id)!;
  const nested = (...path: string[]) =>
    path.reduce((map, key) => map.get(key) as Y.Map<unknown>, component);
  doc.transact(() => {
    switch (edit % 4) {
      case 0:
        nested('labels').set('version', `v${edit}`);
        break;
      case 1:
        nested('annotations').set('weft.dev/note', `edit ${edit}`);
        break;
      case 2:
        editConfig(nested('config'), index, edit);
        break;
      default: {
        const position = doc.getMap<Y.Map<number>>(DesignKey.layout).get(id)!;
        position.set('x', prng.int32(random, 0, 16_000));
        position.set('y', prng.int32(random, 0, 16_000));
      }
    }
  });
}

function editConfig(config: Y.Map<unknown>, index: number, edit: number): void {
  const section = (key: string) => config.get(key) as Y.Map<unknown>;
  switch (KINDS[index % KINDS.length]) {
    case 'Deployment':
      section('spec').set('replicas', 1 + (edit % 9));
      break;
    case 'Service':
      section('spec').set('type', edit % 2 ? 'NodePort' : 'ClusterIP');
      break;
    default:
      section('data').set('LOG_LEVEL', edit % 2 ? 'debug' : 'info');
  }
}
