// Builds a throw-away repo layout (functions/<name>/function.yaml, schemas/*.avsc) for config tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TRANSACTION_AVSC = {
  type: 'record',
  name: 'Transaction',
  namespace: 'test',
  fields: [
    { name: 'transaction_id', type: 'string' },
    { name: 'card_id', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'device', type: ['null', { type: 'record', name: 'Device', fields: [{ name: 'id', type: 'string' }] }], default: null },
    { name: 'tags', type: { type: 'array', items: 'string' } },
  ],
};

export const SCORE_AVSC = {
  type: 'record',
  name: 'Score',
  namespace: 'test',
  fields: [{ name: 'score', type: 'float' }],
};

export const BASE_YAML = `
inputs: [transactions]
output: scores
schemas: { input: transaction.avsc, output: score.avsc }
key: card_id
model: { backend: onnx, path: model.onnx }
features: [{ input: features, columns: [{ field: amount, kind: numeric }] }]
outputs: { score: { kind: score, output: score } }
`;

export class Repo {
  readonly root = mkdtempSync(join(tmpdir(), 'strobe-functions-'));
  readonly functionsDir = join(this.root, 'functions');
  readonly schemasDir = join(this.root, 'schemas');

  constructor() {
    mkdirSync(this.functionsDir);
    mkdirSync(this.schemasDir);
    this.writeSchema('transaction.avsc', TRANSACTION_AVSC);
    this.writeSchema('score.avsc', SCORE_AVSC);
  }

  writeSchema(name: string, schema: unknown): void {
    writeFileSync(join(this.schemasDir, name), typeof schema === 'string' ? schema : JSON.stringify(schema));
  }

  /** Writes functions/<name>/function.yaml (and a placeholder model.onnx unless `model` is false). */
  addFunction(name: string, yaml: string, model = true): string {
    const dir = join(this.functionsDir, name);
    mkdirSync(dir, { recursive: true });
    if (model) writeFileSync(join(dir, 'model.onnx'), 'not really a model');
    const file = join(dir, 'function.yaml');
    writeFileSync(file, yaml);
    return file;
  }

  [Symbol.dispose](): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
