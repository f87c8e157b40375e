/**
 * The room driven directly through its Connection seam: no network, no LMDB.
 */
import * as decoding from 'lib0/decoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProtocolError, type Connection } from '../../server/hub/connection.js';
import { Room } from '../../server/hub/room.js';
import type { StoredDoc } from '../../server/store/docLog.js';
import { createHubMetrics } from '../../server/metrics/hubMetrics.js';
import { encodeSyncStep1, encodeSyncStep2, encodeUpdate } from '../../shared/messages.js';
import { CloseCode, MessageType, SyncMessageType } from '../../shared/protocol.js';

class FakeConnection implements Connection {
  readonly sent: Uint8Array[] = [];
  closedWith: number | undefined;
  constructor(
    readonly readOnly = false,
    readonly wantsAcks = false,
  ) {}
  send(message: Uint8Array, onSent?: () => void): void {
    // Compared as plain bytes: the room may hand out Buffers.
    this.sent.push(new Uint8Array(message));
    onSent?.();
  }
  close(code: number): void {
    this.closedWith ??= code;
  }
  reject(error: ProtocolError): void {
    this.close(error.closeCode);
  }
}

/** A connection whose messages leave only when told to, like a large send on a slow link. */
class SlowConnection extends FakeConnection {
  private readonly leaving: (() => void)[] = [];
  override send(message: Uint8Array, onSent?: () => void): void {
    super.send(message);
    if (onSent) this.leaving.push(onSent);
  }
  finishSending(): void {
    for (const sent of this.leaving.splice(0)) sent();
  }
}

/** What LMDB would hand a room: a snapshot (with its state vector) and one log entry after it. */
function storedDoc(): { stored: StoredDoc; original: Y.Doc } {
  const original = new Y.Doc();
  original.getMap('m').set('snapshot', 1);
  const snapshot = Y.encodeStateAsUpdate(original);
  const snapshotStateVector = Y.encodeStateVector(original);
  const before = Y.encodeStateVector(original);
  original.getMap('m').set('log', 2);
  const logEntry = Y.encodeStateAsUpdate(original, before);
  return {
    original,
    stored: {
      parts: [snapshot, logEntry],
      lastSeq: 5,
      snapshotSeq: 4,
      snapshotStateVector,
      snapshotBytes: snapshot.byteLength,
      logEntries: 1,
      logBytes: logEntry.byteLength,
    },
  };
}

/** The payload of a sync message (type and sub-type skipped). */
function syncPayload(message: Uint8Array): Uint8Array {
  const decoder = decoding.createDecoder(message);
  decoding.readVarUint(decoder);
  decoding.readVarUint(decoder);
  return decoding.readVarUint8Array(decoder);
}

const newRoom = () => {
  const metrics = createHubMetrics({
    openRooms: () => 1,
    connections: () => 0,
    clusterWatches: () => 0,
  });
  return { room: new Room('designs/unit', new Y.Doc(), null, null, metrics), metrics };
};

const updateFrom = (edit: (doc: Y.Doc) => void): Uint8Array => {
  const doc = new Y.Doc();
  edit(doc);
  return encodeUpdate(Y.encodeStateAsUpdate(doc));
};

describe('Room', () => {
  it('starts a sync with step 1 and answers step 1 with step 2', () => {
    const { room } = newRoom();
    const conn = new FakeConnection();
    room.join(conn);
    const first = decoding.createDecoder(conn.sent[0]!);
    expect([decoding.readVarUint(first), decoding.readVarUint(first)]).toEqual([
      MessageType.sync,
      SyncMessageType.step1,
    ]);
    room.receive(conn, encodeSyncStep1(new Y.Doc()));
    const reply = decoding.createDecoder(conn.sent[1]!);
    expect([decoding.readVarUint(reply), decoding.readVarUint(reply)]).toEqual([
      MessageType.sync,
      SyncMessageType.step2,
    ]);
  });

  it('broadcasts an update to every connection, its sender included', () => {
    const { room, metrics } = newRoom();
    const [a, b] = [new FakeConnection(), new FakeConnection()];
    room.join(a);
    room.join(b);
    const update = updateFrom((doc) => doc.getMap('m').set('k', 1));
    room.receive(a, update);
    room.flushPendingUpdates(); // the end of the event-loop turn
    expect(a.sent.at(-1)).toEqual(update);
    expect(b.sent.at(-1)).toEqual(update);
    expect(room.doc.getMap('m').get('k')).toBe(1);
    expect(metrics.updatesReceived.get()).toBe(1);
  });

  it('lets read-only connections receive updates but drops and counts theirs', () => {
    const { room, metrics } = newRoom();
    const [viewer, editor] = [new FakeConnection(true), new FakeConnection()];
    room.join(viewer);
    room.join(editor);
    room.receive(
      viewer,
      updateFrom((doc) => doc.getMap('m').set('forged', 1)),
    );
    expect(room.doc.getMap('m').size).toBe(0);
    expect(metrics.dropped.get('read_only')).toBe(1);
    const update = updateFrom((doc) => doc.getMap('m').set('k', 1));
    room.receive(editor, update);
    room.flushPendingUpdates();
    expect(viewer.sent.at(-1)).toEqual(update);
  });

  it('applies the updates of one turn in one transaction and sends them as one message', () => {
    const { room, metrics } = newRoom();
    const [writer, watcher] = [new FakeConnection(), new FakeConnection()];
    room.join(writer);
    room.join(watcher);
    let transactions = 0;
    room.doc.on('afterTransaction', () => (transactions += 1));
    const before = watcher.sent.length;
    for (let i = 0; i < 10; i++) {
      room.receive(
        writer,
        updateFrom((doc) => doc.getMap('m').set(`k${i}`, i)),
      );
    }
    room.flushPendingUpdates();
    expect(transactions).toBe(1);
    expect(watcher.sent.length - before).toBe(1);
    const replica = new Y.Doc();
    const decoder = decoding.createDecoder(watcher.sent.at(-1)!);
    decoding.readVarUint(decoder);
    decoding.readVarUint(decoder);
    Y.applyUpdate(replica, decoding.readVarUint8Array(decoder));
    expect(replica.getMap('m').size).toBe(10);
    expect(metrics.updatesReceived.get()).toBe(10);
  });

  it('answers step 1 with the updates received earlier in the same turn', () => {
    const { room } = newRoom();
    const [writer, joiner] = [new FakeConnection(), new FakeConnection()];
    room.join(writer);
    room.join(joiner);
    room.receive(
      writer,
      updateFrom((doc) => doc.getMap('m').set('k', 1)),
    );
    room.receive(joiner, encodeSyncStep1(new Y.Doc()));
    const replica = new Y.Doc();
    Y.applyUpdate(replica, syncPayload(joiner.sent.at(-1)!));
    expect(replica.getMap('m').get('k')).toBe(1);
  });

  it('rejects a truncated frame with a ProtocolError and leaves the document alone', () => {
    const { room } = newRoom();
    const conn = new FakeConnection();
    room.join(conn);
    const update = updateFrom((doc) => doc.getMap('m').set('k', 1));
    expect(() => room.receive(conn, update.subarray(0, update.length - 3))).toThrow(ProtocolError);
    expect(room.doc.getMap('m').size).toBe(0);
  });

  it('answers a new client with a stored snapshot as it is, before building the document', async () => {
    const { stored, original } = storedDoc();
    const snapshotOnly = { ...stored, parts: [Y.encodeStateAsUpdate(original)], logEntries: 0 };
    snapshotOnly.snapshotStateVector = Y.encodeStateVector(original);
    const metrics = createHubMetrics({
      openRooms: () => 1,
      connections: () => 0,
      clusterWatches: () => 0,
    });
    const room = new Room('designs/lazy', new Y.Doc(), snapshotOnly, null, metrics);
    const conn = new FakeConnection();
    room.join(conn);
    room.receive(conn, encodeSyncStep1(new Y.Doc()));
    expect(syncPayload(conn.sent[1]!)).toEqual(snapshotOnly.parts[0]);
    // Built once the answer has left; the built document holds everything stored.
    await new Promise((resolve) => setImmediate(resolve));
    expect(room.doc.getMap('m').toJSON()).toEqual({ snapshot: 1, log: 2 });
  });

  it('does not build while the stored state is still on its way, whatever empty answers arrive', async () => {
    const { stored, original } = storedDoc();
    const snapshotOnly = { ...stored, parts: [Y.encodeStateAsUpdate(original)], logEntries: 0 };
    snapshotOnly.snapshotStateVector = Y.encodeStateVector(original);
    const metrics = createHubMetrics({
      openRooms: () => 1,
      connections: () => 0,
      clusterWatches: () => 0,
    });
    const ydoc = new Y.Doc();
    const room = new Room('designs/slow', ydoc, snapshotOnly, null, metrics);
    const conn = new SlowConnection();
    room.join(conn);
    room.receive(conn, encodeSyncStep1(new Y.Doc()));
    // The client's answer to the room's step 1: its own (empty) state.
    room.receive(conn, encodeSyncStep2(new Y.Doc(), Y.encodeStateVector(new Y.Doc())));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ydoc.getMap('m').size).toBe(0);
    conn.finishSending();
    await new Promise((resolve) => setImmediate(resolve));
    expect(ydoc.getMap('m').toJSON()).toEqual({ snapshot: 1, log: 2 });
  });

  it('sends step 1 from the stored state vector and a complete step 2 from snapshot and log', () => {
    const { stored, original } = storedDoc();
    const metrics = createHubMetrics({
      openRooms: () => 1,
      connections: () => 0,
      clusterWatches: () => 0,
    });
    const room = new Room('designs/log', new Y.Doc(), stored, null, metrics);
    const conn = new FakeConnection();
    room.join(conn);
    // Step 1 on connect carries the stored state vector, computed without building.
    expect(Y.decodeStateVector(syncPayload(conn.sent[0]!))).toEqual(
      Y.decodeStateVector(Y.encodeStateVector(original)),
    );
    room.receive(conn, encodeSyncStep1(new Y.Doc()));
    const replica = new Y.Doc();
    Y.applyUpdate(replica, syncPayload(conn.sent[1]!));
    expect(replica.getMap('m').toJSON()).toEqual({ snapshot: 1, log: 2 });
  });

  it('closes every connection with 4500 when the stored state cannot be built', () => {
    const { stored } = storedDoc();
    // Its structs parse (so step 1 can be sent), but its delete set is cut off.
    stored.parts[1] = stored.parts[1]!.subarray(0, stored.parts[1]!.length - 1);
    const metrics = createHubMetrics({
      openRooms: () => 1,
      connections: () => 0,
      clusterWatches: () => 0,
    });
    const room = new Room('designs/broken', new Y.Doc(), stored, null, metrics);
    const [a, b] = [new FakeConnection(), new FakeConnection()];
    room.join(a);
    room.join(b);
    expect(() => room.doc).toThrow(/could not be loaded/);
    expect([a.closedWith, b.closedWith]).toEqual([
      CloseCode.roomLoadFailed,
      CloseCode.roomLoadFailed,
    ]);
    expect(metrics.roomLoadFailures.get()).toBe(1);
  });

  it('refuses a joining connection with 4500 when the stored state cannot even be parsed', () => {
    const { stored } = storedDoc();
    stored.parts[1] = new Uint8Array([0x80]); // a truncated varint: no state vector to send
    const metrics = createHubMetrics({
      openRooms: () => 1,
      connections: () => 0,
      clusterWatches: () => 0,
    });
    const room = new Room('designs/unparsable', new Y.Doc(), stored, null, metrics);
    const conn = new FakeConnection();
    expect(() => room.join(conn)).toThrow(/could not be loaded/);
    expect(conn.closedWith).toBe(CloseCode.roomLoadFailed);
  });
});
