import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { PulsarAdmin } from '../client/admin.js';
import { PulsarClient } from '../client/client.js';
import type { Message } from '../client/message.js';
import { loadFunctions } from '../config/function-registry.js';
import { loadWorkerConfig } from '../config/worker-config.js';
import { LocalPulsar } from '../local-pulsar/broker.js';
import { projectRoot } from '../local-pulsar/paths.js';
import { createLogger } from '../metrics/logger.js';
import { avroType } from '../schema/avro-codec.js';
import { printError } from './errors-output.js';
import { produceRecords } from './produce.js';
import { recordSource } from './record-source.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';
import { LiveStats } from './demo-stats.js';

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
}

interface DemoFlags {
  rate: number;
  duration: number;
  keys: number;
  metricsPort: string;
  keepBroker?: boolean;
}

/**
 * `strobe demo`: a local broker (or PULSAR_SERVICE_URL), the fraud-scorer example, synthetic transactions
 * at a chosen rate, a live status line and a sample of scored results; stops cleanly on Ctrl-C or after
 * --duration, leaving nothing running.
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description('run the fraud-scorer on a local Pulsar broker with synthetic card transactions and watch it score')
    .option('-r, --rate <per-second>', 'transactions per second to feed', positive, 2000)
    .option('-d, --duration <seconds>', 'stop after this long (Ctrl-C stops earlier)', positive, 60)
    .option('--keys <n>', 'distinct cards', positive, 5000)
    .option('--metrics-port <port>', 'port of /metrics during the demo', '9464')
    .option('--keep-broker', 'leave the local broker running at the end')
    .action(async (flags: DemoFlags) => {
      const out = process.stdout;
      const log = createLogger({ level: 'warn', destination: pino.destination(2) });
      const root = projectRoot();
      let broker: LocalPulsar | undefined;
      let client: PulsarClient | undefined;
      let proc: WorkerProcess | undefined;
      const abort = new AbortController();
      const onSignal = (): void => abort.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        let serviceUrl = process.env.PULSAR_SERVICE_URL;
        let adminUrl = process.env.PULSAR_ADMIN_URL;
        if (!serviceUrl) {
          out.write('Starting a local Pulsar broker (the first run resolves its jars from Maven Central)…\n');
          broker = new LocalPulsar({ log: (l) => out.write(`  ${l}\n`) });
          const started = await broker.start();
          if (!started.started) broker = undefined; // someone else's: leave it running
          serviceUrl = started.serviceUrl;
          adminUrl = started.adminUrl;
        } else {
          out.write(`Using the broker at ${serviceUrl}\n`);
        }
        adminUrl ??= 'http://127.0.0.1:8080';
        const config = loadWorkerConfig({
          overrides: { serviceUrl, adminUrl, functionsDir: join(root, 'functions'), schemasDir: join(root, 'schemas'), metrics: { port: Number(flags.metricsPort) }, logLevel: 'warn' },
        });
        const { functions, errors } = loadFunctions(config.functionsDir, ['fraud-scorer'], { schemasDir: config.schemasDir });
        if (errors.length > 0 || !functions[0]) throw errors[0] ?? new Error('functions/fraud-scorer is missing');
        const fn = functions[0];
        out.write(`Loading ${fn.model.name} (${fn.model.backend}, ${fn.model.device}) and subscribing ${fn.inputs.join(', ')} (${fn.subscriptionType})…\n`);
        proc = await startWorkerProcess(config, functions, log, { backlogIntervalMs: 2000 });
        client = new PulsarClient({ serviceUrl, logger: log });
        const admin = new PulsarAdmin({ adminUrl });
        const scoreType = avroType(fn.schemas.output.schema);
        const stats = new LiveStats(proc.metrics, fn.name);
        const reader = await client.subscribe({ topic: fn.output, subscription: `strobe-demo-${process.pid}`, subscriptionType: 'Shared', initialPosition: 'Latest' });
        const source = recordSource({ source: 'transactions', transactionSchemaFile: join(root, 'schemas', 'transaction.avsc'), keys: flags.keys, keyDistribution: 'uniform', seed: Date.now() % 100000 });
        out.write(`Feeding ${flags.rate} transactions/s over ${flags.keys} cards for ${flags.duration} s. Ctrl-C stops.\n\n`);
        const stopAt = setTimeout(() => abort.abort(), flags.duration * 1000);
        const producing = produceRecords(client, source, { topic: fn.inputs[0] ?? '', count: Infinity, rate: flags.rate, signal: abort.signal, onProgress: (_s, confirmed) => stats.produced(confirmed) });
        const readerStop = new AbortController();
        const reading = (async () => {
          while (!readerStop.signal.aborted) {
            let batch: Message[];
            try {
              batch = await reader.batchReceive({ maxMessages: 1000, timeoutMs: 200, waitForFull: false });
            } catch {
              return;
            }
            for (const m of batch) {
              stats.scored(scoreType.fromBuffer(m.value) as Record<string, unknown>, m);
              reader.ack(m);
            }
          }
        })();
        const ticker = setInterval(() => {
          void stats.refresh(admin, fn.inputs[0] ?? '', fn.subName).then(() => {
            out.write(`${stats.line()}\n`);
            const sample = stats.takeSample();
            if (sample) out.write(`    ${sample}\n`);
          });
        }, 2000);
        await producing;
        clearTimeout(stopAt);
        clearInterval(ticker);
        // Let the last transactions come back scored (bounded: the worker may be far behind).
        const catchUpUntil = Date.now() + 15_000;
        while (!stats.caughtUp && Date.now() < catchUpUntil) await new Promise((r) => setTimeout(r, 50));
        readerStop.abort();
        await reading;
        out.write(`\n${stats.summary()}\nStopping: draining the worker…\n`);
      } catch (err) {
        printError(err);
        process.exitCode = 1;
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
        await proc?.stop().catch((e: unknown) => printError(e));
        await client?.close().catch(() => undefined);
        if (broker && !flags.keepBroker) {
          await broker.stop();
          out.write('Local broker stopped.\n');
        }
        out.write('Done: nothing left running.\n');
      }
    });
}
