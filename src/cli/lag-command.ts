import { Command } from 'commander';
import { readFunctionLag, formatLag, type FunctionLag } from '../deploy/subscription-lag.js';
import { workerAdmin } from '../deploy/worker-admin.js';
import { printError } from './errors-output.js';
import { addWorkerOptions, loadWorkerAndFunctions, type WorkerFlags } from './functions-command.js';

interface LagFlags extends WorkerFlags {
  verbose?: boolean;
  json?: boolean;
  ensureSubscriptions?: boolean;
}

export function lagCommand(): Command {
  return addWorkerOptions(new Command('lag'))
    .argument('[functions...]', 'function names (default: all in the functions directory)')
    .option('-v, --verbose', 'per-partition rows for partitioned topics')
    .option('--json', 'one JSON array of per-function reports')
    .option('--ensure-subscriptions', "create a missing subscription at the function's subscriptionPosition (KEDA's scaler needs it to exist)")
    .description('backlog, unacked messages, redelivery rate and consumers of each input subscription: the numbers KEDA scales on')
    .addHelpText('after', '\nExit codes: 0 ok, 2 bad config, 3 the admin API failed.')
    .action(async (names: string[], flags: LagFlags) => {
      const loaded = loadWorkerAndFunctions(flags, names);
      if (!loaded) {
        process.exitCode = 2;
        return;
      }
      const admin = workerAdmin(loaded.config);
      const lags: FunctionLag[] = [];
      try {
        for (const fn of loaded.functions) {
          lags.push(await readFunctionLag(admin, fn, { perPartition: flags.verbose === true, ensureSubscriptions: flags.ensureSubscriptions === true }));
        }
      } catch (err) {
        printError(err);
        process.exitCode = 3;
        return;
      }
      process.stdout.write(flags.json === true ? `${JSON.stringify(lags, null, 2)}\n` : formatLag(lags));
    });
}
