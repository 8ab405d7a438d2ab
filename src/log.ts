/**
 * Structured JSON logs on stdout. Callers pass only what is safe to keep:
 * pseudonymous ids, step ids, counts, error codes — never phone numbers or message text.
 *
 * @example log.info('turn_done', { user: pid.slice(0, 8), ms: 12 })
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** `base`: fields every line carries (the process id, when several processes share the port). */
export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stdout.write(l + '\n'), base: LogFields = {}): Logger {
  const emit = (lvl: Exclude<LogLevel, 'silent'>) => (event: string, fields: LogFields = {}) => {
    if (ORDER[lvl] < ORDER[level]) return;
    // Object.assign, not a spread: a turn's object spreads each left a few hundred bytes to the old
    // generation under load (issue 13; see turnEvent in analytics/event.ts). The same keys, in the same order.
    write(JSON.stringify(Object.assign({ time: new Date().toISOString(), level: lvl, event }, base, fields)));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** The error's code or class name, never its message (messages can echo user input). */
export function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  if (err instanceof Error) return err.name;
  return 'unknown';
}
