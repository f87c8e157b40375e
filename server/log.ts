/**
 * Diagnostics go to stderr, one line each; stdout carries only the "weft listening" line so that
 * scripts can read it.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

const describe = (error: unknown): string =>
  error === undefined ? '' : `: ${error instanceof Error ? error.message : String(error)}`;

export function createLogger(
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const emit = (level: string, message: string, error?: unknown) =>
    write(`${new Date().toISOString()} ${level} ${message}${describe(error)}\n`);
  return {
    info: (message) => emit('info', message),
    warn: (message, error) => emit('warn', message, error),
    error: (message, error) => emit('error', message, error),
  };
}

/** A logger that drops everything, for tests and benchmarks that want quiet. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
