import { ConfigError, StrobeError } from '../errors.js';

/** Prints an error for a person: config errors one per line (file: field: message — fix), others with their code. */
export function printError(err: unknown): void {
  const list = (err as { errors?: unknown[] }).errors;
  if (err instanceof ConfigError && Array.isArray(list) && list.length > 0) {
    for (const e of list) process.stderr.write(`error: ${(e as Error).message}\n`);
    return;
  }
  if (err instanceof StrobeError) process.stderr.write(`error: ${err.code}: ${err.message}\n`);
  else process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
}
