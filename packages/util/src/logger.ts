/** Log levels, numbered as libvirt's LIBVIRT_DEBUG does: 1 debug, 2 info, 3 warning, 4 error. */
export const LogLevel = { DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

const NAMES: Record<LogLevel, string> = { 1: 'debug', 2: 'info', 3: 'warning', 4: 'error' };

/** The threshold from `TSVIRT_LOG_LEVEL` (or libvirt's `LIBVIRT_DEBUG`), by number or name; default errors only. */
export function levelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const raw = (env['TSVIRT_LOG_LEVEL'] ?? env['LIBVIRT_DEBUG'] ?? '').trim().toLowerCase();
  const byName: Record<string, LogLevel> = { debug: 1, info: 2, warn: 3, warning: 3, error: 4 };
  const n = byName[raw] ?? Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 4 ? (n as LogLevel) : LogLevel.ERROR;
}

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

let threshold: LogLevel | undefined;

/** A logger for one module (`qemu.monitor`, `util.command`), writing to stderr. */
export function logger(module: string): Logger {
  const emit = (level: LogLevel, msg: string): void => {
    threshold ??= levelFromEnv();
    if (level < threshold) return;
    process.stderr.write(`${new Date().toISOString()}: ${process.pid}: ${NAMES[level]} : ${module}: ${msg}\n`);
  };
  return {
    debug: (m) => emit(LogLevel.DEBUG, m),
    info: (m) => emit(LogLevel.INFO, m),
    warn: (m) => emit(LogLevel.WARN, m),
    error: (m) => emit(LogLevel.ERROR, m),
  };
}
