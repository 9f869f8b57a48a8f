import { StrobeError } from '../errors.js';
import type { FailureKind } from './runner-observer.js';

/**
 * Permanent failures (bad bytes, schema, feature validation, encode) go to the dead-letter topic at once;
 * transient ones (inference, send, schema lookup) are negatively acked and retried with backoff, then
 * dead-lettered after maxMessageRetries. Decided by error class and `retriable`, never by message text.
 */
export function failureKind(err: unknown): FailureKind {
  return err instanceof StrobeError && !err.retriable ? 'permanent' : 'transient';
}

/** Short reason label for metrics: the error class name (bounded cardinality). */
export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.name : 'Unknown';
}

/** Properties Strobe adds to a dead-lettered message, next to the client's REAL_TOPIC and ORIGIN_MESSAGE_ID. */
export function deadLetterProperties(err: unknown, attempts: number, functionName: string): Record<string, string> {
  const message = err instanceof Error ? err.message : String(err);
  return {
    'strobe.error.class': reasonOf(err),
    'strobe.error.message': message.length > 1000 ? `${message.slice(0, 1000)}…` : message,
    'strobe.attempts': String(attempts),
    'strobe.function': functionName,
  };
}
