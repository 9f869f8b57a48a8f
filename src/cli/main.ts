#!/usr/bin/env node
import { Command } from 'commander';
import { brokerCommand } from '../local-pulsar/commands.js';
import { deployCommand } from './deploy-command.js';
import { printError } from './errors-output.js';
import { listCommand, validateCommand } from './functions-command.js';
import { lagCommand } from './lag-command.js';
import { consumeCommand } from './consume-command.js';
import { demoCommand } from './demo-command.js';
import { produceCommand } from './produce-command.js';
import { runCommand } from './run-command.js';

const program = new Command('strobe')
  .description('Strobe: Pulsar-native functions for event-driven ML scoring (Key_Shared, Avro, per-key micro-batches, ONNX / TF.js)')
  .version('0.1.0')
  .addHelpText('after', `
Examples:
  strobe demo                                  everything on a local broker, live stats, ~1 min
  strobe validate                              check every functions/<name>/function.yaml
  strobe run fraud-scorer                      run one function against the broker at --service-url
  strobe produce transactions -n 10000 -r 2000 synthetic card transactions, Avro, keyed by card
  strobe consume fraud-scores --from earliest  read the scored results
  strobe lag fraud-scorer                      backlog of its input subscriptions
  strobe broker start                          start a local Pulsar broker (jars from Maven Central)
`);
program.addCommand(demoCommand());
program.addCommand(runCommand());
program.addCommand(validateCommand());
program.addCommand(listCommand());
program.addCommand(produceCommand());
program.addCommand(consumeCommand());
program.addCommand(brokerCommand('broker'));
program.addCommand(deployCommand());
program.addCommand(lagCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  printError(err);
  process.exitCode = 1;
});
