import { join } from 'node:path';
import { open } from 'lmdb';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeUpdate } from '../../shared/messages.js';
import { CloseCode, MessageType } from '../../shared/protocol.js';
import { createDesign } from '../helpers/api.js';
import { connectClient, messageTypeOf, rawSocket } from '../helpers/client.js';
import { startTestHub } from '../helpers/hub.js';
import { tempDir } from '../helpers/tempDir.js';
import { waitFor } from '../helpers/wait.js';

const metric = async (url: string, name: string): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').pop()) : NaN;
};

describe('LMDB persistence', () => {
  it('keeps everything across a restart, in a data folder whose name has a dot', async () => {
    // lmdb-js takes a path with an extension for a file unless told otherwise.
    const data = join(await tempDir(), 'weft.data');
    const first = await startTestHub({ data });
    const id = await createDesign(first.url, 'restart me');
    const room = `designs/${id}`;
    const writer = connectClient(first.wsUrl, room, { acks: true });
    await writer.synced();
    for (let i = 0; i < 100; i++) writer.doc.getMap('components').set(`c${i}`, { n: i });
    writer.doc.getText('notes').insert(0, 'durable');
    await writer.saved();
    writer.destroy();
    await first.close();

    const second = await startTestHub({ data });
    const reader = connectClient(second.wsUrl, room);
    await reader.synced();
    expect(reader.doc.getMap('components').size).toBe(100);
    expect(reader.doc.getText('notes').toString()).toBe('durable');
    expect(reader.doc.getMap('meta').get('name')).toBe('restart me');
  });

  it('acknowledges only clients that ask, with a state vector covering their edits', async () => {
    const { url, wsUrl } = await startTestHub();
    const room = `designs/${await createDesign(url)}`;
    const acked = connectClient(wsUrl, room, { acks: true });
    const plain = rawSocket(wsUrl, room);
    await Promise.all([acked.synced(), plain.opened]);
    acked.doc.getMap('components').set('a', 1);
    await acked.saved();
    const ack = Y.decodeStateVector(acked.lastAck()!);
    expect(ack.get(acked.doc.clientID)).toBeGreaterThanOrEqual(1);

    const doc = new Y.Doc();
    doc.getMap('components').set('b', 2);
    plain.send(encodeUpdate(Y.encodeStateAsUpdate(doc)));
    await waitFor(() => acked.doc.getMap('components').has('b'), { what: 'b to arrive' });
    acked.doc.getMap('components').set('c', 3);
    await acked.saved();
    // The acknowledged state is the room's durable state, which by now includes b.
    expect(Y.decodeStateVector(acked.lastAck()!).get(doc.clientID)).toBe(1);
    expect(plain.messages.map(messageTypeOf)).not.toContain(MessageType.ack);
  });

  it('unloads idle rooms after their writes are flushed and reloads them intact, repeatedly', async () => {
    const { url, wsUrl } = await startTestHub({ roomGraceMs: 0 });
    const room = `designs/${await createDesign(url)}`;
    for (let cycle = 0; cycle < 5; cycle++) {
      const client = connectClient(wsUrl, room, { acks: true });
      await client.synced();
      expect(client.doc.getArray('cycles').toJSON()).toEqual([...Array(cycle).keys()]);
      client.doc.getArray('cycles').push([cycle]);
      client.destroy();
      await waitFor(async () => (await metric(url, 'weft_rooms_open')) === 0, {
        what: `room unloaded after cycle ${cycle}`,
      });
    }
  });

  it('loses nothing a client sends before the room has loaded', async () => {
    const { url, wsUrl } = await startTestHub({ roomGraceMs: 0 });
    const room = `designs/${await createDesign(url)}`;
    const doc = new Y.Doc();
    for (let round = 0; round < 10; round++) {
      // Connect and send at once, racing the unload of the previous round's room.
      doc.getMap('components').set(`early${round}`, round);
      const raw = rawSocket(wsUrl, room);
      await raw.opened;
      raw.send(encodeUpdate(Y.encodeStateAsUpdate(doc)));
      raw.socket.close();
      await raw.closed;
    }
    const reader = connectClient(wsUrl, room);
    await reader.synced();
    await waitFor(() => reader.doc.getMap('components').size === 10, { what: 'all ten rounds' });
  });

  it('compacts the log without clients noticing', async () => {
    const data = await tempDir();
    // No quiet period: compacted while the clients keep editing.
    const first = await startTestHub({ data, compactEntries: 10, compactQuietMs: 0 });
    const room = `designs/${await createDesign(first.url)}`;
    const writer = connectClient(first.wsUrl, room, { acks: true });
    const watcher = connectClient(first.wsUrl, room);
    await Promise.all([writer.synced(), watcher.synced()]);
    const text = writer.doc.getText('t');
    for (let i = 0; i < 200; i++) {
      text.insert(text.length, String(i % 10));
      if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await writer.saved();
    await waitFor(() => watcher.doc.getText('t').length === 200, {
      what: 'the watcher to catch up',
    });
    expect(await metric(first.url, 'weft_compactions_total')).toBeGreaterThan(0);
    const late = connectClient(first.wsUrl, room);
    await late.synced();
    expect(late.doc.getText('t').toString()).toBe(text.toString());
    writer.destroy();
    watcher.destroy();
    late.destroy();
    await first.close();

    const second = await startTestHub({ data });
    const reader = connectClient(second.wsUrl, room);
    await reader.synced();
    expect(reader.doc.getText('t').toString()).toBe(text.toString());
  });

  it('refuses a room whose stored data is unreadable and leaves that data untouched', async () => {
    const data = await tempDir();
    const first = await startTestHub({ data });
    const id = await createDesign(first.url);
    await first.close();

    // Damage the log behind the hub's back: an entry Yjs cannot read.
    const env = open({ path: data, maxDbs: 16 });
    const updates = env.openDB<Uint8Array, [string, number]>({
      name: 'updates',
      encoding: 'binary',
    });
    const garbage = new Uint8Array([1, 2, 3, 250, 251, 252]);
    await updates.put([`designs/${id}`, 2], garbage);
    const intact = new Uint8Array(updates.get([`designs/${id}`, 1])!);
    await env.close();

    const second = await startTestHub({ data });
    const client = connectClient(second.wsUrl, `designs/${id}`);
    await waitFor(() => client.closes.length > 0, { what: 'the refusal' });
    expect(client.closes[0]!.code).toBe(CloseCode.roomLoadFailed);
    await second.close();

    const check = open({ path: data, maxDbs: 16 });
    const after = check.openDB<Uint8Array, [string, number]>({
      name: 'updates',
      encoding: 'binary',
    });
    expect([...after.get([`designs/${id}`, 2])!]).toEqual([...garbage]);
    expect([...after.get([`designs/${id}`, 1])!]).toEqual([...intact]);
    await check.close();
  });
});
