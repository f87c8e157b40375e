import { describe, expect, it } from 'vitest';
import { writeComponent } from '../../shared/design/convert.js';
import type { Component } from '../../shared/design/model.js';
import { api, createDesign, type DesignJson } from '../helpers/api.js';
import { connectClient } from '../helpers/client.js';
import { startTestHub } from '../helpers/hub.js';
import { waitFor } from '../helpers/wait.js';

const component = (id: string): Component => ({
  id,
  model: 'kubernetes',
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name: id,
  labels: {},
  annotations: {},
  config: { data: { key: 'value' } },
});

describe('read-only design connections (?readonly=1)', () => {
  it("a viewer's edits to a design are dropped: no editor sees them and the design is unchanged", async () => {
    const { url, wsUrl } = await startTestHub();
    const id = await createDesign(url);
    const room = `designs/${id}`;
    const editor = connectClient(wsUrl, room);
    const viewer = connectClient(wsUrl, room, { readOnly: true });
    await Promise.all([editor.synced(), viewer.synced()]);

    writeComponent(viewer.doc, component('forged'));
    // Sent after the edit on the same socket, and relayed after any update of the same turn:
    // once the editor sees this presence, it would have seen the edit had the hub applied it.
    viewer.provider.awareness.setLocalStateField('user', { name: 'Viewer', color: '#00ff00' });
    await waitFor(() => editor.provider.awareness.getStates().has(viewer.doc.clientID), {
      what: "the viewer's presence to reach the editor",
    });
    expect(editor.doc.getMap('components').has('forged')).toBe(false);
    const stored = await api<DesignJson>(url, 'GET', `/api/designs/${id}`);
    expect(stored.body.components).toEqual([]);
    expect(viewer.closes).toEqual([]);
  });

  it('a viewer still receives what editors change', async () => {
    const { url, wsUrl } = await startTestHub();
    const room = `designs/${await createDesign(url)}`;
    const editor = connectClient(wsUrl, room);
    const viewer = connectClient(wsUrl, room, { readOnly: true });
    await Promise.all([editor.synced(), viewer.synced()]);

    writeComponent(editor.doc, component('web'));
    await waitFor(() => viewer.doc.getMap('components').has('web'), {
      what: "the editor's component to reach the viewer",
    });
  });
});
