import { describe, expect, it } from 'vitest';
import { CompactionQueue } from '../../server/store/compactionQueue.js';

describe('CompactionQueue', () => {
  it('runs one compaction at a time, in order, past failures', async () => {
    const queue = new CompactionQueue();
    const events: string[] = [];
    const compaction =
      (name: string, fail = false) =>
      async () => {
        events.push(`${name} starts`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push(`${name} written`);
        if (fail) throw new Error(`${name} failed`);
      };
    const results = await Promise.allSettled([
      queue.run(compaction('a', true)),
      queue.run(compaction('b')),
      queue.run(compaction('c')),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(events).toEqual([
      'a starts',
      'a written',
      'b starts',
      'b written',
      'c starts',
      'c written',
    ]);
  });
});
