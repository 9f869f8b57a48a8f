/** The logging surface the client uses: pino-compatible (`logger.debug({ctx}, 'msg')`), optional. */
export interface ClientLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  child?(bindings: object): ClientLogger;
}

const noop = (): void => {};
export const silentLogger: ClientLogger = { debug: noop, info: noop, warn: noop, error: noop };

export function childLogger(logger: ClientLogger, bindings: object): ClientLogger {
  return logger.child ? logger.child(bindings) : logger;
}
