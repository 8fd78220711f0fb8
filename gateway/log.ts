import type { Writable } from 'node:stream';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, string | number | boolean | null | undefined>;

/**
 * Structured JSON lines. Fields are an allow-list of scalars chosen by the call site: no object is ever
 * dumped wholesale, so selector values and record contents cannot reach the log by accident.
 */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export function createLogger(
  options: { level?: LogLevel; stream?: Writable; base?: LogFields; clock?: () => number } = {},
): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const stream = options.stream ?? process.stderr;
  const base = options.base ?? {};
  const clock = options.clock ?? Date.now;
  const write = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (LEVELS[level] < min) return;
    stream.write(
      `${JSON.stringify({ time: new Date(clock()).toISOString(), level, msg, ...base, ...fields })}\n`,
    );
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}

/** A logger that drops everything, for tests and benchmarks that do not look at logs. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
