// A copy of functions/fraud-scorer in a temp functions dir, pointed at unique topics, for e2e tests.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import { projectRoot } from '../../src/local-pulsar/paths.js';
import { uniqueName } from './pulsar.js';

export interface FraudFunction {
  readonly functionsDir: string;
  readonly schemasDir: string;
  readonly input: string;
  readonly output: string;
  readonly subName: string;
  readonly dlq: string;
  readonly scoreType: avro.Type;
  readonly txType: avro.Type;
}

export function fraudFunction(overrides: Record<string, string> = {}): FraudFunction {
  const root = projectRoot();
  const functionsDir = mkdtempSync(join(tmpdir(), 'strobe-e2e-'));
  cpSync(join(root, 'functions', 'fraud-scorer'), join(functionsDir, 'fraud-scorer'), { recursive: true });
  const input = uniqueName('tx');
  const output = uniqueName('scores');
  const subName = uniqueName('fraud');
  const file = join(functionsDir, 'fraud-scorer', 'function.yaml');
  let yaml = readFileSync(file, 'utf8')
    .replace(/^inputs: .*$/m, `inputs: [${input}]`)
    .replace(/^output: .*$/m, `output: ${output}`)
    .replace(/^subscriptionType: .*$/m, `subscriptionType: Key_Shared\nsubName: ${subName}`);
  for (const [k, v] of Object.entries(overrides)) yaml = yaml.replace(new RegExp(`^${k}: .*$`, 'm'), `${k}: ${v}`);
  writeFileSync(file, yaml);
  const schemasDir = join(root, 'schemas');
  const read = (f: string): avro.Type => avro.Type.forSchema(JSON.parse(readFileSync(join(schemasDir, f), 'utf8')) as avro.Schema);
  return {
    functionsDir,
    schemasDir,
    input: `persistent://public/default/${input}`,
    output: `persistent://public/default/${output}`,
    subName,
    dlq: `persistent://public/default/${input}-${subName}-DLQ`,
    scoreType: read('fraud-score.avsc'),
    txType: read('transaction.avsc'),
  };
}
