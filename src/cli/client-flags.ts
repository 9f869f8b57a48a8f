import type { Command } from 'commander';
import { pino } from 'pino';
import { PulsarClient } from '../client/client.js';
import { loadWorkerConfig, type WorkerConfig } from '../config/worker-config.js';
import { createLogger } from '../metrics/logger.js';
import { clientOptionsFrom } from '../pipeline/worker.js';
import { overridesFrom, type WorkerFlags } from './functions-command.js';

/** Connection flags shared by produce, consume and the demo (same names and env as `strobe run`). */
export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'worker config file with serviceUrl, auth, tls (env STROBE_CONFIG)')
    .option('--service-url <url>', 'Pulsar service URL (env STROBE_SERVICE_URL) [pulsar://127.0.0.1:6650]')
    .option('--admin-url <url>', 'Pulsar admin URL (env STROBE_ADMIN_URL) [http://127.0.0.1:8080]');
}

export function connect(flags: WorkerFlags): { config: WorkerConfig; client: PulsarClient } {
  const config = loadWorkerConfig({ configFile: flags.config, overrides: overridesFrom(flags) });
  const client = new PulsarClient(clientOptionsFrom(config, createLogger({ level: 'warn', destination: pino.destination(2) })));
  return { config, client };
}
