import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/protocol.js';
import { createDesign } from '../helpers/api.js';
import { connectClient } from '../helpers/client.js';
import { spawnHub } from '../helpers/hub.js';
import { tempDir } from '../helpers/tempDir.js';
import { waitFor } from '../helpers/wait.js';

describe('durability of a hub process', () => {
  it('loses nothing acknowledged when killed with SIGKILL right after the acknowledgement', async () => {
    const data = await tempDir();
    const first = await spawnHub(['--data', data]);
    const room = `designs/${await createDesign(first.url)}`;
    const writer = connectClient(first.wsUrl, room, { acks: true });
    await writer.synced();
    const components = writer.doc.getMap('components');
    for (let i = 0; i < 500; i++) components.set(`c${i}`, { replicas: i });
    await writer.saved();
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    writer.destroy();

    const second = await spawnHub(['--data', data]);
    const reader = connectClient(second.wsUrl, room);
    await reader.synced();
    expect(reader.doc.getMap('components').size).toBe(500);
    expect(reader.doc.getMap('components').get('c499')).toEqual({ replicas: 499 });
  });

  it('flushes every pending write on SIGTERM, closes sockets with 1001 and exits 0', async () => {
    const data = await tempDir();
    const first = await spawnHub(['--data', data]);
    const room = `designs/${await createDesign(first.url)}`;
    const writer = connectClient(first.wsUrl, room);
    const watcher = connectClient(first.wsUrl, room);
    await Promise.all([writer.synced(), watcher.synced()]);
    const text = writer.doc.getText('t');
    for (let i = 0; i < 300; i++) text.insert(text.length, 'x');
    // Wait only until another client saw the edits: the hub has them, no acknowledgement asked.
    await new Promise<void>((resolve) => {
      const check = () => (watcher.doc.getText('t').length === 300 ? resolve() : undefined);
      watcher.doc.on('update', check);
      check();
    });
    expect(await first.stop('SIGTERM')).toBe(0);
    await waitFor(() => watcher.closes.some((c) => c.code === CloseCode.goingAway), {
      what: 'the 1001 close',
    });
    writer.destroy();
    watcher.destroy();

    const second = await spawnHub(['--data', data]);
    const reader = connectClient(second.wsUrl, room);
    await reader.synced();
    expect(reader.doc.getText('t').length).toBe(300);
  });
});
