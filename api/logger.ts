/**
 * A small structured logger (one JSON line per entry) that masks residents'
 * names and phones (R-LED-1) in messages and fields before anything is written.
 */
import { maskPhonesInText, redact } from './masking.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LogEntry {
  level: Exclude<LogLevel, 'silent'>;
  time: string;
  msg: string;
  [field: string]: unknown;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where entries go; stdout/stderr JSON lines by default. */
  sink?: (entry: LogEntry) => void;
  /** Fields added to every entry. */
  base?: LogFields;
  now?: () => Date;
}

const defaultSink = (entry: LogEntry): void => {
  const line = JSON.stringify(entry) + '\n';
  if (entry.level === 'error' || entry.level === 'warn') process.stderr.write(line);
  else process.stdout.write(line);
};

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = ORDER[options.level ?? 'info'];
  const sink = options.sink ?? defaultSink;
  const base = options.base ?? {};
  const now = options.now ?? (() => new Date());

  const write = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields): void => {
    if (ORDER[level] < threshold) return;
    const masked = redact({ ...base, ...(fields ?? {}) }) as LogFields;
    sink({ ...masked, level, time: now().toISOString(), msg: maskPhonesInText(message) });
  };

  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = createLogger({ level: 'silent' });
