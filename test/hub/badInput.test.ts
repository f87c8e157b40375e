import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeUpdate } from '../../shared/messages.js';
import { CloseCode, MessageType, SyncMessageType } from '../../shared/protocol.js';
import { createDesign } from '../helpers/api.js';
import { connectClient, rawSocket } from '../helpers/client.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { tempDir } from '../helpers/tempDir.js';
import { waitFor } from '../helpers/wait.js';

const bytes = (...values: number[]) => new Uint8Array(values);

function syncFrame(type: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

const metricsText = async (url: string) => (await fetch(`${url}/metrics`)).text();

/** A room with an editor and a watcher holding known content, to check nothing else is hurt. */
async function populatedRoom(hub: TestHub) {
  const room = `designs/${await createDesign(hub.url)}`;
  const editor = connectClient(hub.wsUrl, room, { acks: true });
  const watcher = connectClient(hub.wsUrl, room);
  await Promise.all([editor.synced(), watcher.synced()]);
  editor.doc.getMap('components').set('kept', 'yes');
  await editor.saved();
  return { room, editor, watcher };
}

/** Asserts the room still works for everyone else and the stored content is unchanged. */
async function expectRoomUnharmed(
  hub: TestHub,
  parts: Awaited<ReturnType<typeof populatedRoom>>,
  mark: string,
  timeoutMs = 5_000,
) {
  parts.editor.doc.getMap('components').set(mark, true);
  await waitFor(() => parts.watcher.doc.getMap('components').get(mark) === true, {
    what: `${mark} to reach the watcher`,
    timeoutMs,
  });
  await parts.editor.saved(timeoutMs);
  const fresh = connectClient(hub.wsUrl, parts.room);
  await fresh.synced(timeoutMs);
  expect(fresh.doc.getMap('components').toJSON()).toEqual({ kept: 'yes', [mark]: true });
  expect(parts.editor.closes).toEqual([]);
  expect(parts.watcher.closes).toEqual([]);
  fresh.destroy();
}

describe('bad input on the WebSocket', () => {
  const frames: [string, Uint8Array | string, number, RegExp][] = [
    ['an empty frame', bytes(), CloseCode.badMessage, /malformed/],
    ['a truncated varint', bytes(0x80), CloseCode.badMessage, /malformed/],
    ['an unknown message type', bytes(42, 0), CloseCode.badMessage, /unknown message type 42/],
    [
      'the hub-only ack type',
      bytes(MessageType.ack, 0),
      CloseCode.badMessage,
      /unknown message type 100/,
    ],
    [
      'an unknown sync type',
      syncFrame(9, bytes()),
      CloseCode.badMessage,
      /unknown sync message type 9/,
    ],
    ['a truncated sync payload', bytes(0, 2, 50, 1, 2), CloseCode.badMessage, /malformed/],
    [
      'a garbage update',
      syncFrame(SyncMessageType.update, bytes(5, 200, 1, 7, 7, 7)),
      CloseCode.unappliableUpdate,
      /could not be applied/,
    ],
    [
      'a garbage state vector',
      syncFrame(SyncMessageType.step1, bytes(3, 255)),
      CloseCode.badMessage,
      /malformed/,
    ],
    [
      'a malformed awareness update',
      bytes(MessageType.awareness, 3, 1, 1, 1),
      CloseCode.badMessage,
      /malformed/,
    ],
    ['a text frame', 'hello', CloseCode.badMessage, /text frames/],
  ];

  it.each(frames)(
    '%s closes only that connection, with a code and reason',
    async (_name, frame, code, reason) => {
      const hub = await startTestHub();
      const parts = await populatedRoom(hub);
      const raw = rawSocket(hub.wsUrl, parts.room);
      await raw.opened;
      raw.send(frame);
      const closed = await raw.closed;
      expect(closed.code).toBe(code);
      expect(closed.reason).toMatch(reason);
      await expectRoomUnharmed(hub, parts, 'after');
      expect(await metricsText(hub.url)).toMatch(/weft_messages_rejected_total\{reason="\w+"\} 1/);
    },
  );

  it('an update whose tail is corrupt is not half-applied', async () => {
    const hub = await startTestHub();
    const parts = await populatedRoom(hub);
    const doc = new Y.Doc();
    doc.getMap('components').set('sneaky', 1);
    const update = Y.encodeStateAsUpdate(doc);
    const raw = rawSocket(hub.wsUrl, parts.room);
    await raw.opened;
    // Cut off the delete set: the structs parse, the rest does not.
    raw.send(syncFrame(SyncMessageType.update, update.subarray(0, update.length - 1)));
    expect((await raw.closed).code).toBe(CloseCode.unappliableUpdate);
    await expectRoomUnharmed(hub, parts, 'after');
  });

  it('an oversized message closes that connection with 1009', async () => {
    const hub = await startTestHub({ maxMessageBytes: 64 * 1024 });
    const parts = await populatedRoom(hub);
    const doc = new Y.Doc();
    doc.getText('big').insert(0, 'x'.repeat(100 * 1024));
    const raw = rawSocket(hub.wsUrl, parts.room);
    await raw.opened;
    raw.send(encodeUpdate(Y.encodeStateAsUpdate(doc)));
    expect((await raw.closed).code).toBe(CloseCode.messageTooBig);
    await expectRoomUnharmed(hub, parts, 'after');
    expect(await metricsText(hub.url)).toMatch(
      /weft_messages_rejected_total\{reason="too_large"\} 1/,
    );
  });

  it('a connection that stops reading is closed with 1013 instead of buffering without bound', async () => {
    const hub = await startTestHub({ sendBufferLimit: 1024 * 1024 });
    const parts = await populatedRoom(hub);
    const stalled = rawSocket(hub.wsUrl, parts.room);
    await stalled.opened;
    (stalled.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    // 32 MiB in 512 KiB updates: far more than the kernel's socket buffers plus the limit.
    // Pausing between them lets the healthy clients in this process keep reading.
    const text = parts.editor.doc.getText('bulk');
    for (let i = 0; i < 64; i++) {
      text.insert(text.length, String(i % 10).repeat(512 * 1024));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await waitFor(async () => /reason="backpressure"\} [1-9]/.test(await metricsText(hub.url)), {
      what: 'the stalled reader to be cut off',
      timeoutMs: 15_000,
    });
    // The watcher still has the 32 MiB to take in before the mark: on a busy machine that is slow.
    await expectRoomUnharmed(hub, parts, 'after', 15_000);
  });

  it('a read-only connection syncs, but its updates are dropped, counted and never stored', async () => {
    const data = await tempDir();
    const hub = await startTestHub({ data });
    const id = await createDesign(hub.url);
    const derived = `designs/${id}/derived`;
    const viewer = connectClient(hub.wsUrl, derived);
    const other = connectClient(hub.wsUrl, derived);
    await Promise.all([viewer.synced(), other.synced()]);
    viewer.doc.getMap('findings').set('forged', 'x');
    // Exactly one: the empty state each client sends when it connects is not a change.
    await waitFor(
      async () =>
        /weft_messages_dropped_total\{reason="read_only"\} 1$/m.test(await metricsText(hub.url)),
      { what: 'the drop to be counted' },
    );
    const fresh = connectClient(hub.wsUrl, derived);
    await fresh.synced();
    expect(fresh.doc.getMap('findings').size).toBe(0);
    expect(other.doc.getMap('findings').size).toBe(0);
    expect(viewer.closes).toEqual([]);
    viewer.destroy();
    other.destroy();
    fresh.destroy();
    await hub.close();

    const again = await startTestHub({ data });
    const reader = connectClient(again.wsUrl, derived);
    await reader.synced();
    expect(reader.doc.getMap('findings').size).toBe(0);
  });
});
