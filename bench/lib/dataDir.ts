/**
 * Data folders for benchmarked hubs: fresh ones under the system temp dir, what they hold on disk,
 * and which filesystem they live on (fsync cost, and so acknowledgement latency, depends on it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new empty folder; `remove()` deletes it with everything in it. */
export async function tempDataDir(
  prefix: string,
): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface DiskUsage {
  /** Sum of file sizes. */
  apparentBytes: number;
  /** Blocks actually allocated: LMDB files can be sparse. */
  allocatedBytes: number;
}

/** What the files under `dir` take on disk. */
export async function diskUsage(dir: string): Promise<DiskUsage> {
  const usage = { apparentBytes: 0, allocatedBytes: 0 };
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const info = await stat(join(entry.parentPath, entry.name));
    usage.apparentBytes += info.size;
    usage.allocatedBytes += info.blocks * 512;
  }
  return usage;
}

/** The filesystem type of `dir` as `stat -f` names it, e.g. `ext2/ext3` or `tmpfs`. */
export function filesystemType(dir: string): string {
  const result = spawnSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' });
  return result.stdout.trim() || 'unknown';
}
