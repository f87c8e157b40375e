import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readTarGz } from '../../server/policies/tarball.js';
import { tarGz } from '../helpers/opaPolicy.js';

const LIMIT = 1024 * 1024;

/** The archive's tar bytes, changed by `edit`, packed again. */
const edited = (archive: Buffer, edit: (tar: Buffer) => Buffer): Buffer =>
  gzipSync(edit(Buffer.from(gunzipSync(archive))));

describe('readTarGz', () => {
  it('reads regular files by their path, without a leading slash or ./', () => {
    const files = readTarGz(tarGz({ '/policy.wasm': 'a', './data.json': '{}', 'x/y': 'b' }), LIMIT);
    expect([...files].map(([path, body]) => [path, body.toString()])).toEqual([
      ['policy.wasm', 'a'],
      ['data.json', '{}'],
      ['x/y', 'b'],
    ]);
  });

  it('refuses a damaged header and an entry cut off', () => {
    const archive = tarGz({ '/policy.wasm': 'x'.repeat(1000) });
    const damaged = edited(archive, (tar) => {
      tar[0] = 0x41; // a changed name no longer matches the checksum
      return tar;
    });
    expect(() => readTarGz(damaged, LIMIT)).toThrow(/bad checksum/);
    const cut = edited(archive, (tar) => tar.subarray(0, 700));
    expect(() => readTarGz(cut, LIMIT)).toThrow(/cut off/);
  });

  it('skips entries that are not regular files', () => {
    const withDirectory = tarGz({ 'dir/': '', 'dir/file': 'x' }, { 'dir/': '5' });
    expect([...readTarGz(withDirectory, LIMIT).keys()]).toEqual(['dir/file']);
  });
});
