import { Command } from 'commander';
import type { FunctionConfig } from '../config/function-config.js';
import { loadFunctions } from '../config/function-registry.js';
import { loadWorkerConfig, type WorkerConfig, type WorkerConfigInput } from '../config/worker-config.js';
import { printError } from './errors-output.js';

/** Options every command that reads functions accepts. */
export function addWorkerOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'worker config file, YAML or JSON (env STROBE_CONFIG)')
    .option('--service-url <url>', 'Pulsar service URL (env STROBE_SERVICE_URL) [pulsar://127.0.0.1:6650]')
    .option('--admin-url <url>', 'Pulsar admin URL (env STROBE_ADMIN_URL) [http://127.0.0.1:8080]')
    .option('--functions-dir <dir>', 'directory of <name>/function.yaml (env STROBE_FUNCTIONS_DIR) [./functions]')
    .option('--schemas-dir <dir>', 'directory of shared .avsc files (env STROBE_SCHEMAS_DIR) [./schemas]')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env STROBE_LOG_LEVEL) [info]');
}

export interface WorkerFlags {
  config?: string;
  serviceUrl?: string;
  adminUrl?: string;
  functionsDir?: string;
  schemasDir?: string;
  logLevel?: string;
  metricsPort?: string;
  drainTimeoutMs?: string;
}

export function overridesFrom(flags: WorkerFlags): WorkerConfigInput {
  const o: WorkerConfigInput = {};
  if (flags.serviceUrl !== undefined) o.serviceUrl = flags.serviceUrl;
  if (flags.adminUrl !== undefined) o.adminUrl = flags.adminUrl;
  if (flags.functionsDir !== undefined) o.functionsDir = flags.functionsDir;
  if (flags.schemasDir !== undefined) o.schemasDir = flags.schemasDir;
  if (flags.logLevel !== undefined) o.logLevel = flags.logLevel as WorkerConfigInput['logLevel'];
  if (flags.metricsPort !== undefined) o.metrics = { port: Number(flags.metricsPort) };
  if (flags.drainTimeoutMs !== undefined) o.drainTimeoutMs = Number(flags.drainTimeoutMs);
  return o;
}

/** Worker config and the selected functions; prints every problem and returns undefined if there is any. */
export function loadWorkerAndFunctions(flags: WorkerFlags, names: readonly string[]): { config: WorkerConfig; functions: readonly FunctionConfig[] } | undefined {
  let config: WorkerConfig;
  try {
    config = loadWorkerConfig({ configFile: flags.config, overrides: overridesFrom(flags) });
  } catch (err) {
    printError(err);
    return undefined;
  }
  const { functions, errors } = loadFunctions(config.functionsDir, names, { schemasDir: config.schemasDir });
  if (errors.length > 0) {
    for (const e of errors) process.stderr.write(`error: ${e.message}\n`);
    process.stderr.write(`${errors.length} problem${errors.length === 1 ? '' : 's'} found; nothing was started.\n`);
    return undefined;
  }
  return { config, functions };
}

export function validateCommand(): Command {
  return addWorkerOptions(new Command('validate'))
    .argument('[functions...]', 'function names (default: all in the functions directory)')
    .description('check worker config and function files (schemas, model files, topics) without connecting')
    .action((names: string[], flags: WorkerFlags) => {
      const loaded = loadWorkerAndFunctions(flags, names);
      if (!loaded) {
        process.exitCode = 2;
        return;
      }
      for (const f of loaded.functions) process.stdout.write(`ok  ${f.name}  (${f.inputs.join(', ')} → ${f.output}, ${f.model.backend} on ${f.model.device})\n`);
    });
}

export function listCommand(): Command {
  return addWorkerOptions(new Command('list'))
    .description('list the functions registered in the functions directory')
    .option('--json', 'one JSON object per function')
    .action((flags: WorkerFlags & { json?: boolean }) => {
      const loaded = loadWorkerAndFunctions(flags, []);
      if (!loaded) {
        process.exitCode = 2;
        return;
      }
      for (const f of loaded.functions) {
        const row = {
          name: f.name, inputs: f.inputs, output: f.output, subscription: f.subName, type: f.subscriptionType,
          model: `${f.model.backend}:${f.model.path}`, device: f.model.device, batching: f.batching,
        };
        process.stdout.write(flags.json ? `${JSON.stringify(row)}\n` : `${f.name}\t${f.inputs.join(',')} → ${f.output}\t${f.subscriptionType}/${f.subName}\t${row.model} (${f.model.device})\n`);
      }
    });
}
