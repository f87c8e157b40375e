import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, parseConfig, type HubConfig } from '../../server/config.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseConfig(argv, env) as HubConfig;

describe('configuration', () => {
  it('uses the documented defaults', () => {
    const config = parse([]);
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 7420,
      sandbox: true,
      auth: 'none',
      maxMessageBytes: 16 * 1024 * 1024,
      roomGraceMs: DEFAULTS.roomGraceMs,
    });
    expect(config.data).toMatch(/\/data$/);
  });

  it('takes flags over WEFT_* variables over defaults', () => {
    const env = { WEFT_PORT: '9000', WEFT_DATA: '/tmp/weft-env', WEFT_MAX_MESSAGE_BYTES: '2048' };
    expect(parse([], env)).toMatchObject({
      port: 9000,
      data: '/tmp/weft-env',
      maxMessageBytes: 2048,
    });
    expect(parse(['--port', '0'], env).port).toBe(0);
  });

  it('reads the sandbox reset switch and pod start delay', () => {
    expect(parse([]).sandboxReset).toBe(false);
    expect(parse(['--sandbox-reset']).sandboxReset).toBe(true);
    expect(parse([], { WEFT_SANDBOX_RESET: 'true' }).sandboxReset).toBe(true);
    expect(parse([]).sandboxPodStartMs).toBe(1_000);
    expect(parse(['--sandbox-pod-start-ms', '0']).sandboxPodStartMs).toBe(0);
    expect(() => parse(['--sandbox-pod-start-ms', '-1'])).toThrow(ConfigError);
  });

  it('switches the sandbox with --no-sandbox or WEFT_SANDBOX', () => {
    expect(parse(['--no-sandbox']).sandbox).toBe(false);
    expect(parse([], { WEFT_SANDBOX: 'false' }).sandbox).toBe(false);
    expect(parse(['--sandbox'], { WEFT_SANDBOX: 'false' }).sandbox).toBe(true);
  });

  it.each([
    [['--port', '70000']],
    [['--port', 'abc']],
    [['--room-grace-ms', '-1']],
    [['--bogus']],
    [['--auth', 'magic']],
    [['--auth', 'token']],
    [['--host', '0.0.0.0']],
    [['--host', '192.168.1.10']],
  ])('refuses %j with a clear message', (argv) => {
    expect(() => parse(argv)).toThrow(ConfigError);
  });

  it('reads --embed-origins or WEFT_EMBED_ORIGINS as a comma- or space-separated list', () => {
    expect(parse([]).embedOrigins).toEqual(['*']);
    const list = "'self', https://example.com  http://localhost:5173,https://*.example.com";
    expect(parse(['--embed-origins', list]).embedOrigins).toEqual([
      "'self'",
      'https://example.com',
      'http://localhost:5173',
      'https://*.example.com',
    ]);
    expect(parse([], { WEFT_EMBED_ORIGINS: '*' }).embedOrigins).toEqual(['*']);
  });

  it.each([
    '',
    ' , ',
    'example.com',
    'https://example.com/',
    'https://example.com; script-src *',
    "https://example.com'",
    "'none'",
    "'unsafe-inline'",
    'javascript:alert(1)',
    'ftp://example.com',
    'https://exa_mple.com',
  ])('refuses --embed-origins %j', (origins) => {
    expect(() => parse(['--embed-origins', origins])).toThrow(/--embed-origins/);
  });

  it('accepts every loopback address', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost']) {
      expect(parse(['--host', host]).host).toBe(host);
    }
  });
});
