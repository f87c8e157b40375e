/**
 * The writer against a real LMDB environment, including one that fails underneath it.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openDatabases } from '../../server/store/database.js';
import { applyStoredDoc, DocLog } from '../../server/store/docLog.js';
import { DocWriter, URGENT_FACTOR } from '../../server/store/docWriter.js';
import { CompactionQueue } from '../../server/store/compactionQueue.js';
import { WriteBatch } from '../../server/store/writeBatch.js';
import { tempDir } from '../helpers/tempDir.js';
import { waitFor } from '../helpers/wait.js';

const update = (n: number): Uint8Array => {
  const doc = new Y.Doc();
  doc.getMap('m').set(`k${n}`, n);
  return Y.encodeStateAsUpdate(doc);
};

const policy = {
  batch: new WriteBatch(0),
  compactEntries: 5,
  compactBytes: 1024 * 1024,
  compactQuietMs: 0,
  compactions: new CompactionQueue(),
};

/** A writer for `docName` that snapshots `doc` and reports failures by throwing. */
function writerFor(
  log: DocLog,
  docName: string,
  { writePolicy = policy, doc = new Y.Doc(), onCompacted = () => {} } = {},
): DocWriter {
  return new DocWriter(
    log,
    docName,
    log.load(docName),
    writePolicy,
    {
      failed: (error) => {
        throw error;
      },
      compacted: onCompacted,
    },
    () => ({ update: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc) }),
  );
}

describe('DocWriter', () => {
  it('holds updates back for the write delay, then writes those of every document in one commit', async () => {
    const db = openDatabases(await tempDir());
    const log = new DocLog(db);
    const batched = { ...policy, batch: new WriteBatch(80) };
    const first = writerFor(log, 'designs/first', { writePolicy: batched });
    const second = writerFor(log, 'designs/second', { writePolicy: batched });
    for (let i = 0; i < 3; i++) first.append(update(i));
    await new Promise((resolve) => setTimeout(resolve, 20));
    second.append(update(9));
    await db.root.committed;
    expect(log.load('designs/first').lastSeq).toBe(0);
    await waitFor(() => log.load('designs/first').lastSeq === 3);
    // Written in the same turn as the first document's, although it arrived later.
    expect(log.load('designs/second').lastSeq).toBe(1);
    await db.root.close();
  });

  it('writes waiting updates at once when asked for a flush, and drops them when closed', async () => {
    const db = openDatabases(await tempDir());
    const log = new DocLog(db);
    const slow = { ...policy, batch: new WriteBatch(60_000) };
    const flushing = writerFor(log, 'designs/a', { writePolicy: slow });
    flushing.append(update(1));
    flushing.append(update(2));
    await flushing.flushed();
    expect(log.load('designs/a').lastSeq).toBe(2);

    const closing = writerFor(log, 'designs/b', { writePolicy: slow });
    closing.append(update(1));
    closing.close();
    await closing.flushed();
    expect(log.load('designs/b').lastSeq).toBe(0);
    await db.root.close();
  });

  it('compacts past the limit without piling up compactions, and reloads the same state', async () => {
    const db = openDatabases(await tempDir());
    const log = new DocLog(db);
    const doc = new Y.Doc();
    let compactions = 0;
    const writer = writerFor(log, 'designs/w', { doc, onCompacted: () => (compactions += 1) });
    for (let i = 0; i < 60; i++) {
      const next = update(i);
      Y.applyUpdate(doc, next);
      writer.append(next);
    }
    await writer.flushed();
    await writer.compact();
    // One compaction started past the limit, one more for what arrived meanwhile: not one per append.
    expect(compactions).toBeGreaterThan(0);
    expect(compactions).toBeLessThanOrEqual(3);
    const stored = log.load('designs/w');
    expect(stored).toMatchObject({ lastSeq: 60, logEntries: 0 });
    const reloaded = new Y.Doc();
    applyStoredDoc(reloaded, stored.parts, null);
    expect(reloaded.getMap('m').size).toBe(60);
    await db.root.close();
  });

  it('waits past the limits until the log is as large as the snapshot it would rewrite', async () => {
    const db = openDatabases(await tempDir());
    const log = new DocLog(db);
    const doc = new Y.Doc();
    // A document far larger than the entry limit's worth of small updates.
    doc.getMap('big').set('blob', 'x'.repeat(4_000));
    let compactions = 0;
    const writer = writerFor(log, 'designs/big', { doc, onCompacted: () => (compactions += 1) });
    let logBytes = 0;
    const write = async () => {
      const next = update(0);
      Y.applyUpdate(doc, next);
      writer.append(next);
      logBytes += next.byteLength;
      await writer.flushed();
    };
    // Past the entry limit (5), with no snapshot yet to outgrow: the first compaction.
    for (let i = 0; i < 6; i++) await write();
    await waitFor(() => compactions === 1);
    const snapshotBytes = Y.encodeStateAsUpdate(doc).byteLength;
    logBytes = 0;
    // Far past the entry limit, but still smaller than the snapshot: no compaction.
    while (logBytes + 2 * update(0).byteLength < snapshotBytes) await write();
    expect(compactions).toBe(1);
    while (logBytes <= snapshotBytes) await write();
    await waitFor(() => compactions === 2);
    await db.root.close();
  });

  it('compacts a log past its limits once the document goes quiet, or at once far past them', async () => {
    const db = openDatabases(await tempDir());
    const log = new DocLog(db);
    const compactions = { busy: 0, quiet: 0 };
    const writeTo = (writer: DocWriter, doc: Y.Doc, count: number) => {
      for (let i = 0; i < count; i++) {
        const next = update(i);
        Y.applyUpdate(doc, next);
        writer.append(next);
      }
      return writer.flushed();
    };
    // Never quiet for long enough: only running far past the limits compacts.
    const busyDoc = new Y.Doc();
    const busy = writerFor(log, 'designs/busy', {
      doc: busyDoc,
      writePolicy: { ...policy, compactQuietMs: 60_000 },
      onCompacted: () => (compactions.busy += 1),
    });
    await writeTo(busy, busyDoc, policy.compactEntries * URGENT_FACTOR);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(compactions.busy).toBe(0);
    expect(log.load('designs/busy').logEntries).toBe(policy.compactEntries * URGENT_FACTOR);
    await writeTo(busy, busyDoc, 1);
    await waitFor(() => compactions.busy === 1);
    // Past the limits, then quiet: compacted once the quiet period is over.
    const quietDoc = new Y.Doc();
    const quiet = writerFor(log, 'designs/quiet', {
      doc: quietDoc,
      writePolicy: { ...policy, compactQuietMs: 30 },
      onCompacted: () => (compactions.quiet += 1),
    });
    await writeTo(quiet, quietDoc, policy.compactEntries + 1);
    await waitFor(() => compactions.quiet === 1);
    expect(log.load('designs/quiet').logEntries).toBe(0);
    await db.root.close();
  });

  it('reports a store that refuses writes once, stops writing and never confirms a flush', async () => {
    const path = await tempDir();
    const setup = openDatabases(path);
    await setup.updates.put(['designs/f', 1], update(1));
    await setup.root.close();
    // A read-only environment: every write LMDB is asked for fails.
    const db = openDatabases(path, { readOnly: true });
    const log = new DocLog(db);
    const failures: Error[] = [];
    const writer = new DocWriter(
      log,
      'designs/f',
      log.load('designs/f'),
      policy,
      { failed: (error) => failures.push(error), compacted: () => undefined },
      () => ({ update: new Uint8Array([0, 0]), stateVector: new Uint8Array([0]) }),
    );
    writer.append(update(2));
    writer.append(update(3));
    await expect(writer.flushed()).rejects.toThrow();
    await writer.compact();
    expect(failures).toHaveLength(1);
    expect(writer.error).toBe(failures[0]);
    expect(log.load('designs/f').lastSeq).toBe(1);
    await db.root.close();
  });
});
