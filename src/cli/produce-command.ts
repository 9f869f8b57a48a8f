import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { projectRoot } from '../local-pulsar/paths.js';
import { connect, addConnectionOptions } from './client-flags.js';
import { printError } from './errors-output.js';
import type { WorkerFlags } from './functions-command.js';
import { produceRecords } from './produce.js';
import { bar, ProgressLine } from './progress.js';
import { recordSource } from './record-source.js';

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number >= 0');
  return n;
}

export function produceCommand(): Command {
  return addConnectionOptions(new Command('produce'))
    .argument('<topic>', 'topic to write to (short name → persistent://public/default/<name>)')
    .option('--source <transactions|file.avsc>', 'the synthetic card-transaction generator, or random records of an Avro schema', 'transactions')
    .option('-n, --count <n>', 'records to write (0 = until Ctrl-C)', positive, 10_000)
    .option('-r, --rate <per-second>', 'records per second (0 = as fast as the broker confirms)', positive, 0)
    .option('--keys <n>', 'distinct keys', positive, 1000)
    .option('--key-dist <uniform|zipf>', 'how often each key appears', 'uniform')
    .option('--key-field <field>', 'with an .avsc source: the record field that carries the key')
    .option('--seed <n>', 'random seed (same seed, same records)', positive, 1)
    .description('write Avro records to a topic with its schema registered, keyed, at a chosen rate')
    .action(async (topic: string, flags: WorkerFlags & { source: string; count: number; rate: number; keys: number; keyDist: string; keyField?: string; seed: number }) => {
      if (flags.keyDist !== 'uniform' && flags.keyDist !== 'zipf') {
        process.stderr.write('error: --key-dist must be uniform or zipf\n');
        process.exitCode = 2;
        return;
      }
      let conn;
      try {
        conn = connect(flags);
        const source = recordSource({
          source: flags.source, transactionSchemaFile: resolve(projectRoot(), 'schemas', 'transaction.avsc'),
          keys: Math.max(1, Math.floor(flags.keys)), keyDistribution: flags.keyDist, keyField: flags.keyField, seed: flags.seed,
        });
        const count = flags.count === 0 ? Infinity : Math.floor(flags.count);
        const abort = new AbortController();
        process.once('SIGINT', () => abort.abort());
        const progress = new ProgressLine();
        const t0 = performance.now();
        const r = await produceRecords(conn.client, source, {
          topic, count, rate: flags.rate, signal: abort.signal,
          onProgress: (sent, confirmed) => {
            const rate = confirmed / Math.max(0.001, (performance.now() - t0) / 1000);
            progress.update(`${Number.isFinite(count) ? bar(confirmed / count) : ''} ${confirmed} confirmed, ${sent} sent, ${rate.toFixed(0)}/s`);
          },
        });
        progress.done(`produced ${r.confirmed} records to ${topic} in ${r.seconds.toFixed(1)} s (${(r.confirmed / Math.max(r.seconds, 0.001)).toFixed(0)}/s)`);
      } catch (err) {
        printError(err);
        process.exitCode = 1;
      } finally {
        await conn?.client.close();
      }
    });
}
