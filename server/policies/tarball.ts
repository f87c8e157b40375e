/**
 * The files of a gzipped tar archive, as `opa build` writes bundles: read in memory, never
 * written anywhere, within a limit on the unpacked size (a small upload can unpack to gigabytes).
 * Only regular files are returned, by their path without a leading `/` or `./`; links,
 * directories and extended headers are skipped.
 */
import { gunzipSync } from 'node:zlib';

export class TarballError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarballError';
  }
}

const BLOCK_BYTES = 512;
const REGULAR_FILE = new Set(['0', '\0']);

export function readTarGz(archive: Uint8Array, maxUnpackedBytes: number): Map<string, Buffer> {
  const tar = gunzip(archive, maxUnpackedBytes);
  const files = new Map<string, Buffer>();
  for (let offset = 0; offset + BLOCK_BYTES <= tar.length;) {
    const header = tar.subarray(offset, offset + BLOCK_BYTES);
    // The archive ends with zero-filled blocks.
    if (header.every((byte) => byte === 0)) break;
    if (!checksumMatches(header)) {
      throw new TarballError(`the tar header at byte ${offset} is damaged (bad checksum)`);
    }
    const size = Number.parseInt(text(header, 124, 12).trim() || '0', 8);
    const start = offset + BLOCK_BYTES;
    if (!Number.isSafeInteger(size) || size < 0 || start + size > tar.length) {
      throw new TarballError(`the tar entry at byte ${offset} is cut off`);
    }
    if (REGULAR_FILE.has(String.fromCharCode(header[156]!))) {
      files.set(pathOf(header), tar.subarray(start, start + size));
    }
    offset = start + Math.ceil(size / BLOCK_BYTES) * BLOCK_BYTES;
  }
  return files;
}

function gunzip(archive: Uint8Array, maxUnpackedBytes: number): Buffer {
  try {
    return gunzipSync(archive, { maxOutputLength: maxUnpackedBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new TarballError(`the archive unpacks to more than ${maxUnpackedBytes} bytes`);
    }
    throw new TarballError(`not a gzip archive: ${(error as Error).message}`);
  }
}

/** A NUL-terminated text field of a header. */
function text(header: Buffer, start: number, length: number): string {
  const field = header.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

/** The entry's path: ustar keeps long ones in a prefix field. */
function pathOf(header: Buffer): string {
  const isUstar = text(header, 257, 6) === 'ustar';
  const prefix = isUstar ? text(header, 345, 155) : '';
  const path = prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100);
  return path.replace(/^(\.?\/)+/, '');
}

/** The checksum is the byte sum of the header with its own field read as spaces. */
function checksumMatches(header: Buffer): boolean {
  const stored = Number.parseInt(text(header, 148, 8).trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK_BYTES; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum === stored;
}
