/**
 * Field-by-field component updates: only what differs is written, so concurrent edits of
 * different fields of one component both survive.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  DesignKey,
  readComponentById,
  updateComponent,
  writeComponent,
} from '../../shared/design/convert.js';
import type { Component, JsonObject } from '../../shared/design/model.js';

const web: Component = {
  id: 'c1',
  model: 'kubernetes',
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  name: 'web',
  namespace: 'shop',
  labels: { app: 'web', tier: 'front' },
  annotations: {},
  config: {
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }] },
            { name: 'sidecar', image: 'envoy:1.30' },
          ],
        },
      },
    },
  },
};

/** A doc holding `web`, and a copy of the component to change. */
function designWithWeb(): { doc: Y.Doc; copy: Component } {
  const doc = new Y.Doc();
  writeComponent(doc, web);
  return { doc, copy: structuredClone(web) };
}

const componentMap = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(DesignKey.components).get('c1')!;
const configAt = (doc: Y.Doc, ...path: string[]): unknown =>
  path.reduce<unknown>((value, step) => (value as Y.Map<unknown>).get(step), componentMap(doc));
const spec = (component: Component) => component.config.spec as JsonObject;
const podSpec = (component: Component) =>
  (spec(component).template as JsonObject).spec as { containers: JsonObject[] };

/** Counts the doc's update events while `edit` runs. */
function updatesDuring(doc: Y.Doc, edit: () => void): number {
  let updates = 0;
  const count = () => updates++;
  doc.on('update', count);
  edit();
  doc.off('update', count);
  return updates;
}

describe('updateComponent', () => {
  it('writes nothing when the component is unchanged', () => {
    const { doc, copy } = designWithWeb();
    expect(updatesDuring(doc, () => updateComponent(doc, copy))).toBe(0);
    expect(updatesDuring(doc, () => updateComponent(doc, readComponentById(doc, 'c1')!))).toBe(0);
  });

  it('writes a component the design lacks whole, in one update', () => {
    const doc = new Y.Doc();
    expect(updatesDuring(doc, () => updateComponent(doc, web))).toBe(1);
    expect(readComponentById(doc, 'c1')).toEqual(web);
  });

  it('keeps both of two concurrent edits to different fields of one component', () => {
    const a = new Y.Doc();
    writeComponent(a, web);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));

    // A form changes the replicas; a YAML editor rewrites the resource with a new image.
    const scaled = readComponentById(a, 'c1')!;
    spec(scaled).replicas = 3;
    updateComponent(a, scaled);
    const upgraded = readComponentById(b, 'c1')!;
    podSpec(upgraded).containers[0]!.image = 'nginx:1.28';
    updateComponent(b, upgraded);

    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    for (const doc of [a, b]) {
      const merged = readComponentById(doc, 'c1')!;
      expect(spec(merged).replicas).toBe(3);
      expect(podSpec(merged).containers[0]!.image).toBe('nginx:1.28');
      expect(podSpec(merged).containers[1]!.image).toBe('envoy:1.30');
    }
  });

  it('deletes just the label that is gone', () => {
    const { doc, copy } = designWithWeb();
    const labels = configAt(doc, 'labels');
    delete copy.labels.tier;
    updateComponent(doc, copy);
    expect(configAt(doc, 'labels')).toBe(labels);
    expect(readComponentById(doc, 'c1')!.labels).toEqual({ app: 'web' });
  });

  it('deletes optional fields that are absent', () => {
    const { doc, copy } = designWithWeb();
    updateComponent(doc, { ...copy, parent: 'ns1', metadata: { finalizers: ['x'] } });
    delete copy.namespace;
    updateComponent(doc, copy);
    for (const key of ['namespace', 'parent', 'metadata']) {
      expect(componentMap(doc).has(key)).toBe(false);
    }
    expect(readComponentById(doc, 'c1')).toEqual(copy);
  });

  it('updates an array of the same length element by element', () => {
    const { doc, copy } = designWithWeb();
    const containers = configAt(doc, 'config', 'spec', 'template', 'spec', 'containers');
    const first = (containers as Y.Array<unknown>).get(0);
    podSpec(copy).containers[1]!.image = 'envoy:1.31';
    updateComponent(doc, copy);
    expect(configAt(doc, 'config', 'spec', 'template', 'spec', 'containers')).toBe(containers);
    expect((containers as Y.Array<unknown>).get(0)).toBe(first);
    expect(readComponentById(doc, 'c1')).toEqual(copy);
  });

  it('replaces an array whose length changed', () => {
    const { doc, copy } = designWithWeb();
    const containers = configAt(doc, 'config', 'spec', 'template', 'spec', 'containers');
    podSpec(copy).containers.pop();
    updateComponent(doc, copy);
    const replaced = configAt(doc, 'config', 'spec', 'template', 'spec', 'containers');
    expect(replaced).toBeInstanceOf(Y.Array);
    expect(replaced).not.toBe(containers);
    expect(readComponentById(doc, 'c1')).toEqual(copy);
  });

  it('replaces a value whose type changed', () => {
    const { doc, copy } = designWithWeb();
    const selector = configAt(doc, 'config', 'spec', 'selector');
    spec(copy).replicas = 'three';
    spec(copy).selector = ['app=web'];
    updateComponent(doc, copy);
    expect(configAt(doc, 'config', 'spec', 'replicas')).toBe('three');
    expect(configAt(doc, 'config', 'spec', 'selector')).toBeInstanceOf(Y.Array);
    expect(configAt(doc, 'config', 'spec', 'selector')).not.toBe(selector);
    expect(readComponentById(doc, 'c1')).toEqual(copy);
  });

  it('keeps the origin of a surrounding transaction', () => {
    const { doc, copy } = designWithWeb();
    spec(copy).replicas = 2;
    const origins: unknown[] = [];
    doc.on('afterTransaction', (transaction) => origins.push(transaction.origin));
    doc.transact(() => updateComponent(doc, copy), 'form');
    expect(origins).toEqual(['form']);
  });
});
