/**
 * Relationship inference through the hub, with stock y-websocket clients: an editor changes the
 * design, a watcher of the derived room sees relationships come and go, user decisions and
 * patches take effect, and the REST API reports what is inferred.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  DesignKey,
  writeCheckSetting,
  writeComponent,
  writeLayout,
} from '../../shared/design/convert.js';
import { readDerivedRelationships, readFindings } from '../../shared/design/derived.js';
import type { Component } from '../../shared/design/model.js';
import { relationshipId } from '../../shared/relationships/engine.js';
import { api, createDesign, type DesignJson } from '../helpers/api.js';
import { connectClient } from '../helpers/client.js';
import { startTestHub } from '../helpers/hub.js';
import { waitFor } from '../helpers/wait.js';

const web: Component = {
  id: 'web-deployment',
  model: 'kubernetes',
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  name: 'web',
  namespace: 'shop',
  labels: { app: 'web' },
  annotations: {},
  config: {
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'web:1' }] },
      },
    },
  },
};

const webService: Component = {
  id: 'web-service',
  model: 'kubernetes',
  apiVersion: 'v1',
  kind: 'Service',
  name: 'web',
  namespace: 'shop',
  labels: {},
  annotations: {},
  config: { spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
};

const NETWORK_EDGE = relationshipId(
  'kubernetes/service-selects-workload',
  'web-service',
  'web-deployment',
);

/** The Y.Map of a component's nested config section, e.g. `spec` of the Service. */
const section = (doc: Y.Doc, id: string, key: string) =>
  (
    (doc.getMap(DesignKey.components).get(id) as Y.Map<unknown>).get('config') as Y.Map<unknown>
  ).get(key) as Y.Map<unknown>;

async function openDesign() {
  const hub = await startTestHub();
  const id = await createDesign(hub.url);
  const editor = connectClient(hub.wsUrl, `designs/${id}`, { acks: true });
  const watcher = connectClient(hub.wsUrl, `designs/${id}/derived`);
  await Promise.all([editor.synced(), watcher.synced()]);
  const derived = () => new Map(readDerivedRelationships(watcher.doc).map((r) => [r.id, r]));
  return { hub, id, editor, watcher, derived };
}

describe('relationship inference in the hub', () => {
  it('draws the Service → Deployment edge, drops it when the selector changes, and brings it back', async () => {
    const { editor, derived } = await openDesign();
    editor.doc.transact(() => {
      writeComponent(editor.doc, web);
      writeComponent(editor.doc, webService);
    });
    const edge = await waitFor(() => derived().get(NETWORK_EDGE), { what: 'the network edge' });
    expect(edge).toMatchObject({
      kind: 'edge',
      type: 'non-binding',
      subType: 'network',
      from: 'web-service',
      to: 'web-deployment',
      definition: 'kubernetes/service-selects-workload',
      status: 'inferred',
    });

    (section(editor.doc, 'web-service', 'spec').get('selector') as Y.Map<unknown>).set(
      'app',
      'api',
    );
    await waitFor(() => !derived().has(NETWORK_EDGE), { what: 'the edge to go' });

    (section(editor.doc, 'web-service', 'spec').get('selector') as Y.Map<unknown>).set(
      'app',
      'web',
    );
    await waitFor(() => derived().has(NETWORK_EDGE), { what: 'the edge to come back' });
  });

  it('keeps a rejected edge hidden from the API and marked in the derived room', async () => {
    const { hub, id, editor, derived } = await openDesign();
    editor.doc.transact(() => {
      writeComponent(editor.doc, web);
      writeComponent(editor.doc, webService);
    });
    await waitFor(() => derived().has(NETWORK_EDGE), { what: 'the network edge' });
    const before = await api<DesignJson & { relationships: { id: string; origin: string }[] }>(
      hub.url,
      'GET',
      `/api/designs/${id}`,
    );
    expect(before.body.relationships).toContainEqual(
      expect.objectContaining({ id: NETWORK_EDGE, origin: 'inferred', subType: 'network' }),
    );

    editor.doc.getMap(DesignKey.overrides).set(NETWORK_EDGE, 'rejected');
    await waitFor(() => derived().get(NETWORK_EDGE)?.status === 'rejected', {
      what: 'the rejection',
    });
    // Changing an endpoint re-infers the edge: the decision still holds.
    section(editor.doc, 'web-deployment', 'spec').set('replicas', 3);
    await editor.saved();
    const after = await api<{ relationships: { id: string }[] }>(
      hub.url,
      'GET',
      `/api/designs/${id}`,
    );
    expect(after.body.relationships.map((r) => r.id)).not.toContain(NETWORK_EDGE);
    expect(derived().get(NETWORK_EDGE)?.status).toBe('rejected');
  });

  it('moves a component drawn inside a Namespace into that namespace', async () => {
    const { editor, derived } = await openDesign();
    const namespace: Component = {
      id: 'ns-payments',
      model: 'kubernetes',
      apiVersion: 'v1',
      kind: 'Namespace',
      name: 'payments',
      labels: {},
      annotations: {},
      config: {},
    };
    editor.doc.transact(() => {
      writeComponent(editor.doc, namespace);
      writeComponent(editor.doc, webService);
      writeLayout(editor.doc, 'web-service', { x: 10, y: 10 });
    });
    const service = () =>
      editor.doc.getMap(DesignKey.components).get('web-service') as Y.Map<unknown>;
    service().set('parent', 'ns-payments');
    // The hub's patch reaches the editor like anyone else's edit.
    await waitFor(() => service().get('namespace') === 'payments', { what: 'the namespace patch' });
    await waitFor(
      () =>
        derived().get(
          relationshipId('kubernetes/namespace-inventory', 'web-service', 'ns-payments'),
        ),
      { what: 'the inventory relationship' },
    );
  });

  it('infers for a design nobody has open, and keeps the derived room across a restart', async () => {
    const data = (await startTestHub()).data;
    const first = await startTestHub({ data });
    const id = await createDesign(first.url);
    const editor = connectClient(first.wsUrl, `designs/${id}`, { acks: true });
    await editor.synced();
    editor.doc.transact(() => {
      writeComponent(editor.doc, web);
      writeComponent(editor.doc, webService);
    });
    await editor.saved();
    editor.destroy();
    await first.close();

    const second = await startTestHub({ data });
    // Nobody is connected: the API works the relationships out from the stored design.
    const design = await api<{ relationships: { id: string; origin: string }[] }>(
      second.url,
      'GET',
      `/api/designs/${id}`,
    );
    expect(design.body.relationships).toContainEqual(
      expect.objectContaining({ id: NETWORK_EDGE, origin: 'inferred' }),
    );
    const watcher = connectClient(second.wsUrl, `designs/${id}/derived`);
    const editorAgain = connectClient(second.wsUrl, `designs/${id}`);
    await Promise.all([watcher.synced(), editorAgain.synced()]);
    await waitFor(() => readDerivedRelationships(watcher.doc).some((r) => r.id === NETWORK_EDGE), {
      what: 'the edge in the derived room',
    });
  });

  it('writes findings to the derived room and clears them as the design is fixed or a check is switched off', async () => {
    const { hub, id, editor, watcher } = await openDesign();
    const findingsOf = (componentId: string) =>
      (readFindings(watcher.doc)[componentId] ?? []).map((finding) => finding.check);
    editor.doc.transact(() => writeComponent(editor.doc, web));
    // `web:1` has a tag, but nothing else of this Deployment is hardened.
    await waitFor(() => findingsOf('web-deployment').includes('resources'), { what: 'findings' });
    expect(findingsOf('web-deployment')).toEqual(
      expect.arrayContaining(['probes', 'run-as-non-root', 'single-replica-without-pdb']),
    );
    expect(findingsOf('web-deployment')).not.toContain('image-tag');

    const container = (
      (section(editor.doc, 'web-deployment', 'spec').get('template') as Y.Map<unknown>).get(
        'spec',
      ) as Y.Map<unknown>
    ).get('containers') as Y.Array<Y.Map<unknown>>;
    container.get(0).set('image', 'web:latest');
    await waitFor(() => findingsOf('web-deployment').includes('image-tag'), {
      what: 'the image-tag finding',
    });
    container.get(0).set('image', 'web:1.2.3');
    await waitFor(() => !findingsOf('web-deployment').includes('image-tag'), {
      what: 'it to clear',
    });

    // A reference to a ConfigMap the design lacks, cleared by adding the ConfigMap alone.
    const envFrom = new Y.Array<Y.Map<unknown>>();
    const source = new Y.Map<unknown>();
    source.set('configMapRef', new Y.Map<unknown>([['name', 'settings']]));
    envFrom.push([source]);
    container.get(0).set('envFrom', envFrom);
    await waitFor(() => findingsOf('web-deployment').includes('missing-reference'), {
      what: 'the missing-reference finding',
    });
    editor.doc.transact(() =>
      writeComponent(editor.doc, {
        ...webService,
        id: 'settings',
        kind: 'ConfigMap',
        name: 'settings',
        config: {},
      }),
    );
    await waitFor(() => !findingsOf('web-deployment').includes('missing-reference'), {
      what: 'the reference to be satisfied',
    });

    // A value the kind's schema does not allow.
    section(editor.doc, 'web-deployment', 'spec').set('replicas', 'two');
    await waitFor(() => findingsOf('web-deployment').includes('schema'), {
      what: 'the schema finding',
    });
    section(editor.doc, 'web-deployment', 'spec').set('replicas', 2);
    await waitFor(() => !findingsOf('web-deployment').includes('schema'), { what: 'it to clear' });

    editor.doc.transact(() => writeCheckSetting(editor.doc, 'resources', false));
    await waitFor(() => !findingsOf('web-deployment').includes('resources'), {
      what: 'the check to go off',
    });

    const checks = await api<{ id: string }[]>(hub.url, 'GET', '/api/checks');
    expect(checks.body.map((check) => check.id)).toEqual(
      expect.arrayContaining(['schema', 'resources']),
    );
    const design = await api<{ findings: Record<string, { check: string }[]> }>(
      hub.url,
      'GET',
      `/api/designs/${id}`,
    );
    expect(design.body.findings['web-deployment']!.map((f) => f.check)).toContain('probes');
  });
});
