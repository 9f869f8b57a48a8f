import { Command } from 'commander';
import { DrainTimeoutError } from '../pipeline/function-runner.js';
import { createLogger } from '../metrics/logger.js';
import { printError } from './errors-output.js';
import { addWorkerOptions, loadWorkerAndFunctions, type WorkerFlags } from './functions-command.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';

export function runCommand(): Command {
  return addWorkerOptions(new Command('run'))
    .argument('[functions...]', 'function names to run (default: all in the functions directory)')
    .option('--metrics-port <port>', 'port of /metrics, /healthz, /readyz (env STROBE_METRICS_PORT) [9464]')
    .option('--drain-timeout-ms <ms>', 'on SIGTERM, finish in-flight work within this time (env STROBE_DRAIN_TIMEOUT_MS) [25000]')
    .description('run functions: consume their inputs, score micro-batches, publish results (SIGTERM drains)')
    .action(async (names: string[], flags: WorkerFlags) => {
      const loaded = loadWorkerAndFunctions(flags, names);
      if (!loaded) {
        process.exitCode = 2;
        return;
      }
      const { config, functions } = loaded;
      const log = createLogger({ level: config.logLevel });
      let proc: WorkerProcess | undefined;
      let stopping: Promise<void> | undefined;
      let signalled: string | undefined;
      const stop = (signal: string): void => {
        signalled = signal;
        if (stopping || !proc) return;
        log.info({ signal, deadlineMs: config.drainTimeoutMs }, 'draining');
        stopping = proc.stop().then(
          () => {
            log.info({}, 'drained, exiting');
            process.exitCode = 0;
          },
          (err: unknown) => {
            log.error({ err: (err as Error).message }, err instanceof DrainTimeoutError ? 'drain deadline passed' : 'drain failed');
            process.exitCode = 1;
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
      try {
        proc = await startWorkerProcess(config, functions, log);
      } catch (err) {
        printError(err);
        process.exitCode = 3;
        return;
      }
      log.info({ functions: functions.map((f) => f.name), metrics: proc.health?.url }, 'worker ready');
      if (signalled) stop(signalled);
    });
}
