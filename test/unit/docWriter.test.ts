/**
 * The writer against a real LMDB environment, including one that fails underneath it.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openDatabases } from '../../server/store/database.js';
import { DocLog } from '../../server/store/docLog.js';
import { DocWriter } from '../../server/store/docWriter.js';
import { tempDir } from '../helpers/tempDir.js';

const update = (n: number): Uint8Array => {
  const doc = new Y.Doc();
  doc.getMap('m').set(`k${n}`, n);
  return Y.encodeStateAsUpdate(doc);
};

const limits = { entries: 5, bytes: 1024 * 1024 };

describe('DocWriter', () => {
  it('appends, compacts past the limit and reloads the same state', async () => {
    const db = openDatabases(await tempDir());
    const log = new DocLog(db);
    let compactions = 0;
    const writer = new DocWriter(log, 'designs/w', log.load('designs/w'), limits, {
      failed: (error) => {
        throw error;
      },
      compacted: () => (compactions += 1),
    });
    for (let i = 0; i < 12; i++) writer.append(update(i));
    await writer.flushed();
    await writer.compact();
    expect(compactions).toBeGreaterThan(0);
    const stored = log.load('designs/w');
    expect(stored).toMatchObject({ lastSeq: 12, logEntries: 0 });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored.state!);
    expect(doc.getMap('m').size).toBe(12);
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
    const writer = new DocWriter(log, 'designs/f', log.load('designs/f'), limits, {
      failed: (error) => failures.push(error),
      compacted: () => undefined,
    });
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
