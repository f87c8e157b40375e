/**
 * OPA policies for tests. The `opa` CLI cannot be installed here, so these are WebAssembly
 * modules assembled from text with `wabt` that implement the part of the OPA Wasm ABI (version
 * 1.2) that `@open-policy-agent/opa-wasm` drives, packed into gzipped tar bundles laid out as
 * `opa build -t wasm` lays them out (`/policy.wasm`, `/data.json`).
 *
 * The modules keep every value as JSON text: parsing a value keeps its bytes, dumping one
 * returns them. `opa_eval` scans the input text, so the policies below rely on the hub sending
 * each component with its `"id"` first.
 */
import { gzipSync } from 'node:zlib';
import wabt from 'wabt';

/** What `opa_eval` does; every behaviour but `chain` is the `weft/findings` entrypoint. */
export type PolicyBehaviour =
  /** One warning per `:latest"` in the input, for the component whose id came last before it. */
  | 'latest-tag'
  /** `weft/relationships`: an edge from each id in the input to the next one. */
  | 'chain'
  /** Traps (`unreachable`). */
  | 'trap'
  /** Never returns. */
  | 'loop'
  /** Returns an object where a list of findings belongs. */
  | 'wrong-shape';

const FINDING_HEAD = '{"component":"';
const FINDING_TAIL =
  '","check":"latest-tag","severity":"warning","message":"image uses the latest tag"}';

/** Static strings of the module, at fixed addresses below the heap. */
const STRINGS = {
  builtins: '{}\0',
  findingsEntrypoint: '{"weft/findings":0}\0',
  relationshipsEntrypoint: '{"weft/relationships":0}\0',
  needle: ':latest"',
  idMarker: '{"id":"',
  resultHead: '[{"result":[',
  resultTail: ']}]\0',
  findingHead: FINDING_HEAD,
  findingTail: FINDING_TAIL,
  wrongShape: '[{"result":{"not":"a list"}}]\0',
  edgeFrom: '{"from":"',
  edgeTo: '","to":"',
  edgeTail: '","kind":"edge","type":"policy","subType":"chain"}',
};
type StringName = keyof typeof STRINGS;
const HEAP_START = 64 * 1024;

function layout(): Record<StringName, { at: number; length: number }> {
  let at = 16;
  const placed = {} as Record<StringName, { at: number; length: number }>;
  for (const [name, value] of Object.entries(STRINGS)) {
    placed[name as StringName] = { at, length: Buffer.byteLength(value) };
    at += Buffer.byteLength(value) + 16;
  }
  return placed;
}

/** WebAssembly text of a policy module with the given behaviour. */
function policyText(behaviour: PolicyBehaviour): string {
  const s = layout();
  const data = Object.entries(STRINGS)
    .map(([name, value]) => `(data (i32.const ${s[name as StringName].at}) "${watString(value)}")`)
    .join('\n  ');
  const copy = (name: StringName) =>
    `(local.set $out (call $copy (local.get $out) (i32.const ${s[name].at}) (i32.const ${s[name].length})))`;
  // Before each list entry but the first: a comma (and room for the entry).
  const separator = `(call $reserve (i32.add (local.get $out) (i32.add (local.get $idLength) (i32.const 1024))))
            (if (i32.eqz (local.get $first))
              (then
                (i32.store8 (local.get $out) (i32.const 44))
                (local.set $out (i32.add (local.get $out) (i32.const 1)))))
            (local.set $first (i32.const 0))`;
  /** A result list built by one pass over the input: `onId` after each `{"id":"…"` is read, `atByte` at every byte. */
  const scan = (onId: string, atByte: string) => `
    (local.set $out (local.get $at))
    ${copy('resultHead')}
    (local.set $first (i32.const 1))
    (local.set $end (i32.add (local.get $input) (local.get $length)))
    (local.set $i (local.get $input))
    (block $done
      (loop $scan
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (if (call $startsWith (local.get $i) (local.get $end) (i32.const ${s.idMarker.at}) (i32.const ${s.idMarker.length}))
          (then
            (local.set $idStart (i32.add (local.get $i) (i32.const ${s.idMarker.length})))
            (local.set $j (local.get $idStart))
            (block $idEnd
              (loop $idScan
                (br_if $idEnd (i32.ge_u (local.get $j) (local.get $end)))
                (br_if $idEnd (i32.eq (i32.load8_u (local.get $j)) (i32.const 34)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $idScan)))
            (local.set $idLength (i32.sub (local.get $j) (local.get $idStart)))
            ${onId}))
        ${atByte}
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    (call $reserve (i32.add (local.get $out) (i32.const 16)))
    ${copy('resultTail')}
    (global.set $heap (local.get $out))
    (local.get $at)`;
  const evalBody = {
    trap: '(unreachable)',
    loop: '(loop $forever (br $forever)) (unreachable)',
    'wrong-shape': `(i32.const ${s.wrongShape.at})`,
    'latest-tag': scan(
      // At the first byte of every id: remember it.
      '',
      // Wherever `:latest"` starts: a finding for the id remembered last.
      `(if (call $startsWith (local.get $i) (local.get $end) (i32.const ${s.needle.at}) (i32.const ${s.needle.length}))
          (then
            ${separator}
            ${copy('findingHead')}
            (local.set $out (call $copy (local.get $out) (local.get $idStart) (local.get $idLength)))
            ${copy('findingTail')}))`,
    ),
    chain: scan(
      // At every id after the first: an edge from the one before.
      `(if (i32.gt_u (local.get $previousLength) (i32.const 0))
          (then
            ${separator}
            ${copy('edgeFrom')}
            (local.set $out (call $copy (local.get $out) (local.get $previousStart) (local.get $previousLength)))
            ${copy('edgeTo')}
            (local.set $out (call $copy (local.get $out) (local.get $idStart) (local.get $idLength)))
            ${copy('edgeTail')}))
        (local.set $previousStart (local.get $idStart))
        (local.set $previousLength (local.get $idLength))`,
      '',
    ),
  }[behaviour];
  return `(module
  (import "env" "memory" (memory 2))
  (global (export "opa_wasm_abi_version") i32 (i32.const 1))
  (global (export "opa_wasm_abi_minor_version") i32 (i32.const 2))
  (global $heap (mut i32) (i32.const ${HEAP_START}))
  ${data}
  (func (export "builtins") (result i32) (i32.const ${s.builtins.at}))
  (func (export "entrypoints") (result i32)
    (i32.const ${behaviour === 'chain' ? s.relationshipsEntrypoint.at : s.findingsEntrypoint.at}))
  (func (export "opa_json_dump") (param $value i32) (result i32) (local.get $value))
  (func (export "opa_heap_ptr_get") (result i32) (global.get $heap))
  (func (export "opa_heap_ptr_set") (param $at i32) (global.set $heap (local.get $at)))
  (func (export "opa_malloc") (param $size i32) (result i32)
    (local $at i32)
    (local.set $at (global.get $heap))
    (call $reserve (i32.add (local.get $at) (i32.add (local.get $size) (i32.const 1))))
    (global.set $heap (i32.add (local.get $at) (i32.add (local.get $size) (i32.const 1))))
    (local.get $at))
  (func (export "opa_json_parse") (param $at i32) (param $size i32) (result i32)
    (i32.store8 (i32.add (local.get $at) (local.get $size)) (i32.const 0))
    (local.get $at))
  (func $reserve (param $end i32)
    (block $enough
      (loop $grow
        (br_if $enough (i32.lt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536))))
        (drop (memory.grow (i32.const 1)))
        (br $grow))))
  (func $copy (param $to i32) (param $from i32) (param $size i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $size)))
        (i32.store8 (i32.add (local.get $to) (local.get $i)) (i32.load8_u (i32.add (local.get $from) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.add (local.get $to) (local.get $size)))
  (func $startsWith (param $at i32) (param $end i32) (param $prefix i32) (param $size i32) (result i32)
    (local $i i32)
    (if (i32.gt_u (i32.add (local.get $at) (local.get $size)) (local.get $end)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $size)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $at) (local.get $i))) (i32.load8_u (i32.add (local.get $prefix) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))
  (func (export "opa_eval") (param $reserved i32) (param $entrypoint i32) (param $data i32)
    (param $input i32) (param $length i32) (param $at i32) (param $format i32) (result i32)
    (local $out i32) (local $first i32) (local $end i32) (local $i i32) (local $j i32)
    (local $idStart i32) (local $idLength i32) (local $previousStart i32) (local $previousLength i32)
    ${evalBody})
)`;
}

/** A WAT string literal: quotes, backslashes and control bytes escaped as `\\hh`. */
const watString = (value: string): string =>
  [...Buffer.from(value)]
    .map((byte) =>
      byte < 0x20 || byte === 0x22 || byte === 0x5c || byte > 0x7e
        ? `\\${byte.toString(16).padStart(2, '0')}`
        : String.fromCharCode(byte),
    )
    .join('');

/** The compiled policy module. */
export async function policyWasm(behaviour: PolicyBehaviour): Promise<Uint8Array> {
  const wat = await wabt();
  const module = wat.parseWat(`${behaviour}.wat`, policyText(behaviour));
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/**
 * A gzipped tar archive of `files` (path → content), as `opa build` writes bundles; `types`
 * gives an entry another tar type than a regular file (`5`, a directory).
 */
export function tarGz(
  files: Record<string, Uint8Array | string>,
  types: Record<string, string> = {},
): Buffer {
  const blocks: Buffer[] = [];
  for (const [path, content] of Object.entries(files)) {
    const body = Buffer.from(content);
    const header = Buffer.alloc(512);
    header.write(path, 0, 100, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write(types[path] ?? '0', 156);
    header.write('ustar\0' + '00', 257);
    header.fill(0x20, 148, 156);
    const sum = header.reduce((total, byte) => total + byte, 0);
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** A bundle of a policy with `behaviour`, laid out as `opa build -t wasm` lays it out. */
export async function policyBundle(behaviour: PolicyBehaviour, data?: unknown): Promise<Buffer> {
  const files: Record<string, Uint8Array | string> = {
    '/policy.wasm': await policyWasm(behaviour),
  };
  if (data !== undefined) files['/data.json'] = JSON.stringify(data);
  return tarGz(files);
}
