import { describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import { Awareness, applyAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { encodeUpdate } from '../../shared/messages.js';
import { CloseCode, MessageType } from '../../shared/protocol.js';
import { createDesign } from '../helpers/api.js';
import { connectClient, messageTypeOf, rawSocket } from '../helpers/client.js';
import { startTestHub } from '../helpers/hub.js';
import { waitFor } from '../helpers/wait.js';

function componentConfig(doc: Y.Doc, id: string): Y.Map<unknown> {
  const components = doc.getMap<Y.Map<unknown>>('components');
  return components.get(id)!.get('config') as Y.Map<unknown>;
}

describe('rooms over the y-websocket protocol', () => {
  it('keeps concurrent edits to different fields of one component config', async () => {
    const { url, wsUrl } = await startTestHub();
    const room = `designs/${await createDesign(url)}`;
    const alice = connectClient(wsUrl, room);
    const bob = connectClient(wsUrl, room);
    await Promise.all([alice.synced(), bob.synced()]);

    alice.doc.transact(() => {
      const component = new Y.Map<unknown>();
      const config = new Y.Map<unknown>();
      const spec = new Y.Map<unknown>();
      spec.set('replicas', 1);
      config.set('spec', spec);
      component.set('config', config);
      alice.doc.getMap('components').set('web', component);
    });
    await waitFor(() => bob.doc.getMap('components').has('web'), { what: 'bob to see web' });

    // Both edit the same component at once, each a different field.
    const aliceSpec = componentConfig(alice.doc, 'web').get('spec') as Y.Map<unknown>;
    const bobSpec = componentConfig(bob.doc, 'web').get('spec') as Y.Map<unknown>;
    aliceSpec.set('replicas', 3);
    bobSpec.set('image', 'nginx:1.27');

    for (const client of [alice, bob]) {
      const spec = componentConfig(client.doc, 'web').get('spec') as Y.Map<unknown>;
      await waitFor(() => spec.get('replicas') === 3 && spec.get('image') === 'nginx:1.27', {
        what: 'both edits to merge',
      });
    }
  });

  it('gives a late joiner the full state', async () => {
    const { url, wsUrl } = await startTestHub();
    const room = `designs/${await createDesign(url, 'late joiner')}`;
    const early = connectClient(wsUrl, room);
    await early.synced();
    for (let i = 0; i < 50; i++) early.doc.getMap('components').set(`c${i}`, i);
    early.doc.getArray('log').push(['hello']);

    const late = connectClient(wsUrl, room);
    await late.synced();
    await waitFor(() => late.doc.getMap('components').size === 50, { what: 'all components' });
    expect(late.doc.getArray('log').toJSON()).toEqual(['hello']);
    expect(late.doc.getMap('meta').get('name')).toBe('late joiner');
  });

  it('echoes an update to the connection that sent it, one message per frame', async () => {
    const { url, wsUrl } = await startTestHub();
    const room = `designs/${await createDesign(url)}`;
    const raw = rawSocket(wsUrl, room);
    await raw.opened;
    // On connect the hub sends sync step 1 first.
    await waitFor(() => raw.messages.length >= 1, { what: 'sync step 1' });
    expect(messageTypeOf(raw.messages[0]!)).toBe(MessageType.sync);

    const doc = new Y.Doc();
    doc.getMap('components').set('x', 1);
    const update = encodeUpdate(Y.encodeStateAsUpdate(doc));
    const before = raw.messages.length;
    raw.send(update);
    await waitFor(() => raw.messages.length > before, { what: 'the echo' });
    expect([...raw.messages[before]!]).toEqual([...update]);
  });

  it('refuses unknown rooms and unknown designs with a 44xx code the client does not retry', async () => {
    const { wsUrl } = await startTestHub();
    const cases: [string, number][] = [
      ['designs/does-not-exist', CloseCode.notFound],
      ['designs/does-not-exist/derived', CloseCode.notFound],
      ['clusters/nowhere', CloseCode.notFound],
      ['somewhere/else', CloseCode.badMessage],
      ['designs/a/b/c', CloseCode.badMessage],
      ['designs/..%2F..%2Fetc', CloseCode.badMessage],
    ];
    for (const [room, code] of cases) {
      const client = connectClient(wsUrl, room);
      const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
        client.provider.once('closed', (event) => resolve(event)),
      );
      expect(closed.code, room).toBe(code);
      expect(closed.reason.length, room).toBeGreaterThan(0);
      expect(client.provider.shouldConnect, room).toBe(false);
    }
  });

  it('removes the awareness of a connection that drops', async () => {
    const { url, wsUrl } = await startTestHub();
    const room = `designs/${await createDesign(url)}`;
    const watcher = connectClient(wsUrl, room);
    const leaver = connectClient(wsUrl, room);
    await Promise.all([watcher.synced(), leaver.synced()]);
    leaver.provider.awareness.setLocalStateField('user', { name: 'Leaver' });
    const leaverId = leaver.doc.clientID;
    await waitFor(() => watcher.provider.awareness.getStates().has(leaverId), {
      what: 'the leaver to appear',
    });

    // Cut the socket without the goodbye a clean disconnect would send.
    (leaver.provider.ws as unknown as { terminate(): void }).terminate();
    leaver.provider.shouldConnect = false;
    await waitFor(() => !watcher.provider.awareness.getStates().has(leaverId), {
      what: 'the leaver to disappear',
    });
  });

  it('coalesces awareness changes of one event-loop turn into one message', async () => {
    const { url, wsUrl } = await startTestHub();
    const room = `designs/${await createDesign(url)}`;
    const observer = rawSocket(wsUrl, room);
    const sender = connectClient(wsUrl, room);
    await Promise.all([observer.opened, sender.synced()]);
    const seen = new Awareness(new Y.Doc());
    const awarenessMessages = () =>
      observer.messages.filter((m) => messageTypeOf(m) === MessageType.awareness);
    const latestCursor = () => {
      for (const message of awarenessMessages()) {
        const decoder = decoding.createDecoder(message);
        decoding.readVarUint(decoder);
        applyAwarenessUpdate(seen, decoding.readVarUint8Array(decoder), null);
      }
      return (seen.getStates().get(sender.doc.clientID) as { cursor?: { x: number } } | undefined)
        ?.cursor?.x;
    };
    sender.provider.awareness.setLocalStateField('cursor', { x: 0 });
    await waitFor(() => latestCursor() === 0, { what: 'first presence' });
    const before = awarenessMessages().length;

    // Twenty cursor moves written to the socket at once arrive in one read on the hub.
    const socket = (sender.provider.ws as unknown as { _socket: { cork(): void; uncork(): void } })
      ._socket;
    socket.cork();
    for (let x = 1; x <= 20; x++) sender.provider.awareness.setLocalStateField('cursor', { x });
    socket.uncork();

    await waitFor(() => latestCursor() === 20, { what: 'the last cursor position' });
    expect(awarenessMessages().length - before).toBeLessThanOrEqual(2);
  });
});
