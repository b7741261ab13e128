// The logging interface parts depend on; fastify's pino logger satisfies it.

type LogFn = (obj: object | string, msg?: string) => void;

/** A structured logger (pino-compatible subset). */
export interface Logger {
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
}

/** A logger that drops everything (unit tests, library use). */
export const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {} };
