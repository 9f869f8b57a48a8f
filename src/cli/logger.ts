import { pino, type Logger } from 'pino';

/** JSON logs on stderr (stdout stays for command output), level from config. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { ...bindings } }, pino.destination(2));
}
