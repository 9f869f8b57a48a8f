#!/usr/bin/env node
// Entry point for `npm run broker:*`: `tsx src/local-pulsar/cli.ts start|stop|status|resolve|peers`.
import { StrobeError } from '../errors.js';
import { brokerCommand } from './commands.js';

brokerCommand('local-pulsar')
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`[local-pulsar] ${err instanceof StrobeError ? `${err.code}: ` : ''}${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
