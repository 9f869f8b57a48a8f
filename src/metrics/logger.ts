/**
 * JSON logs (pino) on stdout, one line per event, with the level from the worker config. Components take
 * a child logger (`logger.child({ function: name })`) so every line says where it came from.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  /** @default "info" */
  readonly level?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Value of the `name` field on every line. @default "strobe" */
  readonly name?: string;
  /** @default stdout */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? 'strobe',
      level: options.level ?? 'info',
      // ISO time and textual levels read better in `kubectl logs` than epoch millis and numbers.
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      base: { pid: process.pid },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
