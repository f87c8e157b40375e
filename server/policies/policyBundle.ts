/**
 * Reads an `opa build -t wasm` bundle: a gzipped tar archive holding `/policy.wasm` and, if the
 * policy has data, `/data.json`. Other files (`/.manifest`, sources) are ignored; nothing is
 * written to disk, so paths with `..` and the like cannot escape anywhere.
 */
import { badRequest } from '../errors.js';
import { readTarGz, TarballError } from './tarball.js';

/** A bundle may unpack to this much at most (policies with large data included). */
const MAX_UNPACKED_BYTES = 64 * 1024 * 1024;
const GZIP_MAGIC = [0x1f, 0x8b];
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

export interface PolicyBundle {
  wasm: Uint8Array;
  data: unknown;
}

/** The module and data of a bundle; throws a 400 saying what is wrong with it. */
export function readPolicyBundle(bytes: Uint8Array): PolicyBundle {
  if (!startsWith(bytes, GZIP_MAGIC)) {
    throw badRequest(
      'invalid_bundle',
      'expected a policy bundle: the .tar.gz that `opa build -t wasm` writes',
    );
  }
  let files;
  try {
    files = readTarGz(bytes, MAX_UNPACKED_BYTES);
  } catch (error) {
    if (error instanceof TarballError) throw badRequest('invalid_bundle', error.message);
    throw error;
  }
  const wasm = files.get('policy.wasm');
  if (!wasm) {
    throw badRequest('invalid_bundle', 'the bundle has no /policy.wasm (build it with -t wasm)');
  }
  if (!startsWith(wasm, WASM_MAGIC)) {
    throw badRequest('invalid_bundle', '/policy.wasm is not a WebAssembly module');
  }
  return { wasm, data: readData(files.get('data.json')) };
}

function readData(text: Buffer | undefined): unknown {
  if (!text) return null;
  let data: unknown;
  try {
    data = JSON.parse(text.toString('utf8'));
  } catch (error) {
    throw badRequest('invalid_bundle', `/data.json is not JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw badRequest('invalid_bundle', '/data.json must hold a JSON object');
  }
  return data;
}

const startsWith = (bytes: Uint8Array, magic: readonly number[]): boolean =>
  magic.every((byte, i) => bytes[i] === byte);
