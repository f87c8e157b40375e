/**
 * A store that refuses writes (here: a file-size limit on the hub process, which fails LMDB's
 * writes as a full disk would): the hub reports it, stops acknowledging that design, keeps
 * serving everything else, and what was stored before stays intact.
 */
import { describe, expect, it } from 'vitest';
import { isSaved } from '../../shared/messages.js';
import { createDesign } from '../helpers/api.js';
import { connectClient } from '../helpers/client.js';
import { spawnHub } from '../helpers/hub.js';
import { tempDir } from '../helpers/tempDir.js';
import { waitFor } from '../helpers/wait.js';

const FILE_SIZE_LIMIT = 3_000_000;
/** Larger than the data file may grow: its commit must fail. */
const TOO_LARGE = 'x'.repeat(4_000_000);

const persistErrors = async (url: string): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  return Number(/^weft_persist_errors_total (\d+)$/m.exec(text)?.[1] ?? NaN);
};

describe('a store that refuses writes', () => {
  it('is reported, stops acknowledgements for that design only, and damages nothing stored', async () => {
    const data = await tempDir();
    const hub = await spawnHub(['--data', data], { fileSizeLimitBytes: FILE_SIZE_LIMIT });
    const failing = `designs/${await createDesign(hub.url)}`;
    const editor = connectClient(hub.wsUrl, failing, { acks: true });
    await editor.synced();
    const components = editor.doc.getMap('components');
    components.set('before', 'stored');
    await editor.saved();

    components.set('huge', TOO_LARGE);
    // Every writer with something in the refused commit reports it: the design's, and its
    // derived room's if inference wrote in the same event-loop turn.
    await waitFor(async () => (await persistErrors(hub.url)) >= 1, { what: 'the write error' });
    expect(hub.stderr()).toContain(`persisting ${failing} failed`);

    // The hub is alive and still durable for other designs…
    const healthy = `designs/${await createDesign(hub.url)}`;
    const other = connectClient(hub.wsUrl, healthy, { acks: true });
    await other.synced();
    other.doc.getMap('components').set('later', 'stored');
    await other.saved();
    // …while the failed design's edit was never acknowledged, nor is anything after it.
    components.set('after', 'not acknowledged');
    other.doc.getMap('components').set('later still', 'stored');
    await other.saved();
    expect(isSaved(editor.doc, editor.lastAck()!)).toBe(false);
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);

    expect(await hub.stop('SIGTERM')).toBe(0);
    editor.destroy();
    other.destroy();

    const restarted = await spawnHub(['--data', data]);
    const reader = connectClient(restarted.wsUrl, failing);
    const otherReader = connectClient(restarted.wsUrl, healthy);
    await Promise.all([reader.synced(), otherReader.synced()]);
    expect(reader.doc.getMap('components').get('before')).toBe('stored');
    expect(reader.doc.getMap('components').has('huge')).toBe(false);
    expect(otherReader.doc.getMap('components').toJSON()).toEqual({
      later: 'stored',
      'later still': 'stored',
    });
  });
});
