/**
 * Runtime configuration from flags, `WEFT_<NAME>` environment variables and defaults, in that
 * order of precedence. `--max-message-bytes` is also `WEFT_MAX_MESSAGE_BYTES`.
 */
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export interface HubConfig {
  host: string;
  port: number;
  data: string;
  kubeconfig: string | undefined;
  sandbox: boolean;
  /** Forget the sandbox cluster's objects on start. */
  sandboxReset: boolean;
  /** How long a sandbox pod takes from scheduled to running and ready. */
  sandboxPodStartMs: number;
  auth: 'none';
  maxMessageBytes: number;
  sendBufferLimit: number;
  roomGraceMs: number;
  pingIntervalMs: number;
  writeDelayMs: number;
  compactEntries: number;
  compactBytes: number;
  compactQuietMs: number;
  policyBudgetMs: number;
  connectionCheckMs: number;
  webRoot: string;
  /** CSP sources (`frame-ancestors`) allowed to frame the web client's `/embed/` pages. */
  embedOrigins: readonly string[];
}

const MIB = 1024 * 1024;

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 7420,
  data: './data',
  sandbox: true,
  auth: 'none',
  maxMessageBytes: 16 * MIB,
  sendBufferLimit: 64 * MIB,
  roomGraceMs: 30_000,
  pingIntervalMs: 30_000,
  writeDelayMs: 1_000,
  compactEntries: 1_000,
  compactBytes: 8 * MIB,
  compactQuietMs: 1_000,
  policyBudgetMs: 1_000,
  connectionCheckMs: 30_000,
  sandboxPodStartMs: 1_000,
  // Any site may embed a hub only this machine can reach; binding elsewhere awaits tokens.
  embedOrigins: ['*'],
} as const;

/** Thrown for unusable configuration; the CLI prints the message and exits with status 2. */
export class ConfigError extends Error {}

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  data: { type: 'string' },
  kubeconfig: { type: 'string' },
  sandbox: { type: 'boolean' },
  'no-sandbox': { type: 'boolean' },
  'sandbox-reset': { type: 'boolean' },
  'sandbox-pod-start-ms': { type: 'string' },
  auth: { type: 'string' },
  'max-message-bytes': { type: 'string' },
  'send-buffer-limit': { type: 'string' },
  'room-grace-ms': { type: 'string' },
  'ping-interval-ms': { type: 'string' },
  'write-delay-ms': { type: 'string' },
  'compact-entries': { type: 'string' },
  'compact-bytes': { type: 'string' },
  'compact-quiet-ms': { type: 'string' },
  'policy-budget-ms': { type: 'string' },
  'connection-check-ms': { type: 'string' },
  'web-root': { type: 'string' },
  'embed-origins': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type OptionName = Exclude<keyof typeof OPTIONS, 'no-sandbox' | 'sandbox-reset' | 'help'>;

const envName = (option: string): string => `WEFT_${option.toUpperCase().replace(/-/g, '_')}`;

/**
 * Parses command-line flags and the environment into a complete configuration.
 * @example parseConfig(['--port', '0'], {}) // { port: 0, host: '127.0.0.1', … }
 */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): HubConfig | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const flags = parsed.values as Partial<Record<keyof typeof OPTIONS, string | boolean>>;
  if (flags.help) return 'help';
  const value = (name: OptionName): string | undefined => {
    const flag = flags[name];
    return typeof flag === 'string' ? flag : env[envName(name)];
  };

  const host = value('host') ?? DEFAULTS.host;
  const auth = value('auth') ?? DEFAULTS.auth;
  if (auth === 'token') {
    throw new ConfigError(
      '--auth token is not available yet: it arrives with the authentication issue',
    );
  }
  if (auth !== 'none')
    throw new ConfigError(`--auth must be "none" or "token", not ${JSON.stringify(auth)}`);
  if (!isLoopback(host)) {
    throw new ConfigError(
      `refusing to listen on ${host} with --auth none: without authentication the hub binds only to loopback (127.0.0.1, ::1, localhost)`,
    );
  }

  return {
    host,
    port: integer(value('port'), 'port', DEFAULTS.port, 0, 65_535),
    data: resolve(value('data') ?? DEFAULTS.data),
    kubeconfig: value('kubeconfig') ?? defaultKubeconfig(env),
    sandbox: booleanOption('sandbox', flags, env, DEFAULTS.sandbox),
    sandboxReset: booleanOption('sandbox-reset', flags, env, false),
    sandboxPodStartMs: integer(
      value('sandbox-pod-start-ms'),
      'sandbox-pod-start-ms',
      DEFAULTS.sandboxPodStartMs,
      0,
      600_000,
    ),
    auth,
    maxMessageBytes: integer(
      value('max-message-bytes'),
      'max-message-bytes',
      DEFAULTS.maxMessageBytes,
      1024,
    ),
    sendBufferLimit: integer(
      value('send-buffer-limit'),
      'send-buffer-limit',
      DEFAULTS.sendBufferLimit,
      1024,
    ),
    roomGraceMs: integer(value('room-grace-ms'), 'room-grace-ms', DEFAULTS.roomGraceMs, 0),
    pingIntervalMs: integer(
      value('ping-interval-ms'),
      'ping-interval-ms',
      DEFAULTS.pingIntervalMs,
      10,
      3_600_000,
    ),
    writeDelayMs: integer(
      value('write-delay-ms'),
      'write-delay-ms',
      DEFAULTS.writeDelayMs,
      0,
      60_000,
    ),
    compactEntries: integer(
      value('compact-entries'),
      'compact-entries',
      DEFAULTS.compactEntries,
      1,
    ),
    compactBytes: integer(value('compact-bytes'), 'compact-bytes', DEFAULTS.compactBytes, 1),
    compactQuietMs: integer(
      value('compact-quiet-ms'),
      'compact-quiet-ms',
      DEFAULTS.compactQuietMs,
      0,
      600_000,
    ),
    policyBudgetMs: integer(
      value('policy-budget-ms'),
      'policy-budget-ms',
      DEFAULTS.policyBudgetMs,
      10,
      600_000,
    ),
    connectionCheckMs: integer(
      value('connection-check-ms'),
      'connection-check-ms',
      DEFAULTS.connectionCheckMs,
      100,
      3_600_000,
    ),
    webRoot: resolve(value('web-root') ?? join(projectRoot(), 'dist', 'web')),
    embedOrigins: frameAncestors(value('embed-origins')),
  };
}

export const USAGE = `Usage: weft [options]           the hub (and its sandbox cluster)
       weft sandbox [options]   the sandbox cluster alone, for kubectl
(every option is also an environment variable WEFT_<NAME>)

  --host HOST               address to bind (default 127.0.0.1; loopback only until tokens exist)
  --port PORT               port to listen on; 0 picks a free one (default 7420)
  --data DIR                LMDB data folder (default ./data)
  --kubeconfig FILE         kubeconfig for cluster connections (default $KUBECONFIG, then ~/.kube/config)
  --sandbox, --no-sandbox   built-in sandbox cluster (default on)
  --sandbox-reset           start the sandbox cluster empty, forgetting its objects
  --sandbox-pod-start-ms N  how long sandbox pods take to become ready once scheduled (default 1000)
  --auth none|token         authentication (default none; token arrives with a later issue)
  --max-message-bytes N     largest WebSocket message accepted (default 16 MiB)
  --send-buffer-limit N     close a connection with 1013 when this much is waiting to be sent (default 64 MiB)
  --room-grace-ms N         keep an unused room loaded this long (default 30000)
  --ping-interval-ms N      ping every WebSocket this often; cut off ones that miss a ping (default 30000)
  --write-delay-ms N        write edits nobody awaits an acknowledgement for within this long (default 1000)
  --compact-entries N       compact a document log past this many entries (default 1000)
  --compact-bytes N         compact a document log past this many bytes (default 8 MiB),
                            either way once the log is as large as its snapshot
  --compact-quiet-ms N      compact a log past those limits once its document has had no edit
                            for this long, or at once past four times them (default 1000)
  --policy-budget-ms N      longest one OPA policy may run over one design (default 1000)
  --connection-check-ms N   check every cluster connection this often (default 30000)
  --web-root DIR            built web client to serve (default dist/web)
  --embed-origins LIST      who may frame the embed widget: *, 'self' or origins such as
                            https://example.com or https://*.example.com, comma- or
                            space-separated (default *)
`;

function integer(
  raw: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(
      `--${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(raw)}`,
    );
  }
  return parsed;
}

/** A source that may frame a page: `*`, `'self'` or an http(s) origin (host may start `*.`). */
const FRAME_ANCESTOR = /^(\*|'self'|https?:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?)$/i;

/**
 * The `--embed-origins` list. Every source is checked against a strict pattern because it goes
 * into a header verbatim: a quote or a `;` could otherwise add a directive of its own.
 * @example frameAncestors("'self', https://*.example.com") // ["'self'", 'https://*.example.com']
 */
function frameAncestors(raw: string | undefined): readonly string[] {
  if (raw === undefined) return DEFAULTS.embedOrigins;
  const sources = raw.split(/[\s,]+/).filter((source) => source !== '');
  if (sources.length === 0) {
    throw new ConfigError(`--embed-origins needs at least one source, such as * or 'self'`);
  }
  for (const source of sources) {
    if (!FRAME_ANCESTOR.test(source)) {
      throw new ConfigError(
        `--embed-origins takes *, 'self' or origins such as https://example.com, http://localhost:5173 or https://*.example.com, not ${JSON.stringify(source)}`,
      );
    }
  }
  return sources;
}

/** A switch from its flag (`--no-<name>` turns it off), else `WEFT_<NAME>`, else `fallback`. */
function booleanOption(
  name: 'sandbox' | 'sandbox-reset',
  flags: Partial<Record<string, string | boolean>>,
  env: NodeJS.ProcessEnv,
  fallback: boolean,
): boolean {
  if (flags[`no-${name}`]) return false;
  if (flags[name]) return true;
  const fromEnv = env[envName(name)];
  if (fromEnv === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(fromEnv.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(fromEnv.toLowerCase())) return false;
  throw new ConfigError(`${envName(name)} must be true or false, not ${JSON.stringify(fromEnv)}`);
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function defaultKubeconfig(env: NodeJS.ProcessEnv): string | undefined {
  if (env.KUBECONFIG) return env.KUBECONFIG;
  const home = join(homedir(), '.kube', 'config');
  return existsSync(home) ? home : undefined;
}

/** The folder holding package.json, whether running from source or from dist/. */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
