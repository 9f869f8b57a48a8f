import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFunctionFile, type FunctionConfig } from '../../../src/config/function-config.js';
import type { SectionValidators } from '../../../src/config/section-validators.js';
import { BASE_YAML, Repo } from './function-fixtures.js';

function load(repo: Repo, yaml: string, options: { name?: string; model?: boolean; validators?: SectionValidators } = {}) {
  const name = options.name ?? 'scorer';
  const file = repo.addFunction(name, yaml, options.model ?? true);
  return loadFunctionFile<unknown, unknown, unknown>({
    file,
    schemasDir: repo.schemasDir,
    displayFile: `functions/${name}/function.yaml`,
    ...(options.validators === undefined ? {} : { validators: options.validators }),
  });
}

function ok(repo: Repo, yaml: string): FunctionConfig<unknown, unknown, unknown> {
  const r = load(repo, yaml);
  assert.deepEqual(r.errors.map((e) => e.message), []);
  assert.ok(r.value);
  return r.value;
}

function messages(repo: Repo, yaml: string, options: Parameters<typeof load>[2] = {}): string[] {
  const r = load(repo, yaml, options);
  assert.equal(r.value, undefined);
  return r.errors.map((e) => e.message);
}

describe('function config', () => {
  it('compiles a minimal function with Pulsar Functions defaults and resolved names', () => {
    using repo = new Repo();
    const f = ok(repo, BASE_YAML);
    assert.equal(f.name, 'scorer');
    assert.equal(f.subName, 'scorer');
    assert.deepEqual(f.inputs, ['persistent://public/default/transactions']);
    assert.equal(f.output, 'persistent://public/default/scores');
    assert.equal(f.subscriptionType, 'Key_Shared');
    assert.equal(f.subscriptionPosition, 'Latest');
    assert.equal(f.processingGuarantees, 'ATLEAST_ONCE');
    assert.deepEqual(f.deadLetterTopics, {
      'persistent://public/default/transactions': 'persistent://public/default/transactions-scorer-DLQ',
    });
    assert.equal(f.forwardSourceMessageProperty, true);
    assert.deepEqual(f.batching, {
      mode: 'event',
      maxBatchSize: 256,
      maxBatchBytes: 4 * 1024 * 1024,
      maxWaitMs: 20,
      maxInflightBatches: 2,
      maxQueuedEvents: 10000,
      maxEventsPerKey: 256,
    });
    assert.equal(f.schemas.input.path, join(repo.schemasDir, 'transaction.avsc'));
    assert.equal(f.schemas.input.name, 'test.Transaction');
    assert.equal(f.key, 'card_id');
    assert.deepEqual(f.userConfig, {});
    assert.deepEqual(f.resources, { cpu: 1, ram: 1024 ** 3, disk: 10 * 1024 ** 3, gpu: 0 });
    assert.ok(Object.isFrozen(f) && Object.isFrozen(f.batching));
  });

  it('accepts sizes with units, a tenant and namespace, and an explicit dead-letter topic', () => {
    using repo = new Repo();
    const f = ok(
      repo,
      `${BASE_YAML}
tenant: acme
namespace: risk
deadLetterTopic: scorer-dlq
batching: { maxBatchBytes: 512KiB, mode: key, maxEventsPerKey: 16 }
resources: { ram: 2GiB, gpu: 1 }
userConfig: { threshold: 0.9, nested: { a: 1 } }
`,
    );
    assert.deepEqual(f.inputs, ['persistent://acme/risk/transactions']);
    assert.equal(f.deadLetterTopics['persistent://acme/risk/transactions'], 'persistent://acme/risk/scorer-dlq');
    assert.equal(f.batching.maxBatchBytes, 512 * 1024);
    assert.equal(f.batching.mode, 'key');
    assert.equal(f.batching.maxEventsPerKey, 16);
    assert.equal(f.resources.ram, 2 * 1024 ** 3);
    assert.deepEqual(f.userConfig, { threshold: 0.9, nested: { a: 1 } });
  });

  it('names the file, the field and the fix for a bad value', () => {
    using repo = new Repo();
    assert.deepEqual(messages(repo, `${BASE_YAML}batching: { maxWaitMs: 20ms }\n`), [
      'functions/scorer/function.yaml: batching.maxWaitMs: must be an integer between 0 and 3600000, got "20ms" — write a number of milliseconds, e.g. 20',
    ]);
  });

  it('rejects unknown fields, suggesting the closest known name', () => {
    using repo = new Repo();
    assert.deepEqual(messages(repo, `${BASE_YAML}batching: { maxWait: 20 }\nretainKeyOrder: true\n`), [
      'functions/scorer/function.yaml: batching.maxWait: unknown field — did you mean "maxWaitMs"?',
      'functions/scorer/function.yaml: retainKeyOrder: unknown field — did you mean "retainKeyOrdering"?',
    ]);
  });

  it('rejects a missing model file', () => {
    using repo = new Repo();
    const msgs = messages(repo, BASE_YAML, { model: false });
    assert.equal(msgs.length, 1);
    assert.match(msgs[0] ?? '', /^functions\/scorer\/function\.yaml: model\.path: model file .*model\.onnx does not exist — /);
  });

  it('rejects bad topic names, naming the list index', () => {
    using repo = new Repo();
    const msgs = messages(repo, BASE_YAML.replace('[transactions]', '[transactions, "bad topic", "kafka://a/b/c"]'));
    assert.equal(msgs.length, 2);
    assert.match(msgs[0] ?? '', /^functions\/scorer\/function\.yaml: inputs\[1\]: "bad topic" is not a valid topic name: the topic part "bad topic" may only contain/);
    assert.match(msgs[1] ?? '', /inputs\[2\]: "kafka:\/\/a\/b\/c" is not a valid topic name: the domain "kafka:\/\/"/);
    assert.ok(msgs.every((m) => m.endsWith('persistent://tenant/namespace/transactions')));
  });

  it('rejects retainOrdering together with retainKeyOrdering', () => {
    using repo = new Repo();
    assert.deepEqual(messages(repo, `${BASE_YAML}retainOrdering: true\nretainKeyOrdering: true\n`), [
      'functions/scorer/function.yaml: retainKeyOrdering: retainOrdering and retainKeyOrdering are both set — keep retainKeyOrdering (per-key order, Key_Shared) or retainOrdering (total order, Failover), not both',
    ]);
  });

  it('maps the ordering flags to subscription types and rejects contradictions', () => {
    using repo = new Repo();
    assert.equal(ok(repo, `${BASE_YAML}retainOrdering: true\n`).subscriptionType, 'Failover');
    assert.equal(ok(repo, `${BASE_YAML}retainKeyOrdering: true\n`).subscriptionType, 'Key_Shared');
    assert.equal(ok(repo, `${BASE_YAML}subscriptionType: Shared\n`).subscriptionType, 'Shared');
    assert.deepEqual(messages(repo, `${BASE_YAML}retainKeyOrdering: true\nsubscriptionType: Shared\n`), [
      'functions/scorer/function.yaml: subscriptionType: Shared contradicts retainKeyOrdering: true, which needs Key_Shared — remove subscriptionType or retainKeyOrdering',
    ]);
  });

  it('explains why EFFECTIVELY_ONCE and MANUAL are refused', () => {
    using repo = new Repo();
    const [once] = messages(repo, `${BASE_YAML}processingGuarantees: EFFECTIVELY_ONCE\n`);
    assert.match(once ?? '', /processingGuarantees: EFFECTIVELY_ONCE is not supported: .* use ATLEAST_ONCE/);
    const [manual] = messages(repo, `${BASE_YAML}processingGuarantees: MANUAL\n`);
    assert.match(manual ?? '', /processingGuarantees: MANUAL is not supported/);
    const [typo] = messages(repo, `${BASE_YAML}processingGuarantees: ATLEAST_ONC\n`);
    assert.match(typo ?? '', /must be one of ATLEAST_ONCE, ATMOST_ONCE, got "ATLEAST_ONC" — did you mean ATLEAST_ONCE\?/);
  });

  it('requires inputs, output, schemas, model, features and outputs', () => {
    using repo = new Repo();
    const msgs = messages(repo, 'name: scorer\n');
    const fields = msgs.map((m) => m.split(': ')[1]);
    assert.deepEqual(fields.sort(), ['features', 'inputs', 'model', 'output', 'outputs', 'schemas.input', 'schemas.output']);
    assert.ok(msgs.includes('functions/scorer/function.yaml: inputs: is required — add e.g. "inputs: [transactions]"'));
  });

  it('checks schema files: found in the function directory or schemas/, valid Avro', () => {
    using repo = new Repo();
    repo.addFunction('scorer', BASE_YAML);
    repo.writeSchema('broken.avsc', '{"type": "record", "name": "X", "fields": [{"name": "a", "type": "nope"}]}');
    const msgs = messages(repo, BASE_YAML.replace('transaction.avsc', 'missing.avsc').replace('score.avsc', 'broken.avsc'));
    assert.equal(msgs.length, 2);
    assert.match(msgs[0] ?? '', /schemas\.input: schema file "missing\.avsc" not found/);
    assert.match(msgs[1] ?? '', /schemas\.output: .*broken\.avsc is not a valid Avro schema/);
  });

  it('checks that the key is a scalar field of the input schema, following nested records', () => {
    using repo = new Repo();
    assert.equal(ok(repo, BASE_YAML.replace('key: card_id', 'key: device.id')).key, 'device.id');
    const [missing] = messages(repo, BASE_YAML.replace('key: card_id', 'key: card'));
    assert.match(missing ?? '', /key: "card" is not a field of test.Transaction — use one of: transaction_id, card_id, amount, device, tags/);
    const [notScalar] = messages(repo, BASE_YAML.replace('key: card_id', 'key: tags'));
    assert.match(notScalar ?? '', /key: "tags" is a array, not a scalar value/);
  });

  it('checks feature and output fields against the input and output schemas', () => {
    using repo = new Repo();
    const msgs = messages(
      repo,
      BASE_YAML.replace('field: amount', 'field: amout').replace(
        'outputs: { score: { kind: score, output: score } }',
        'outputs: { score: { kind: score, output: score }, txid: { kind: field, from: transaction_id }, card: { kind: field, from: device.serial } }',
      ),
    );
    assert.deepEqual(msgs, [
      'functions/scorer/function.yaml: features[0].columns[0].field: "amout" is not a field of test.Transaction — use one of: transaction_id, card_id, amount, device, tags',
      'functions/scorer/function.yaml: outputs.txid: "txid" is not a field of test.Score (the output schema) — add the field to the output schema or remove it here; use one of: score',
      'functions/scorer/function.yaml: outputs.card: "card" is not a field of test.Score (the output schema) — add the field to the output schema or remove it here; use one of: score',
      'functions/scorer/function.yaml: outputs.card.from: "device.serial" is not a field of test.Transaction (no "serial" in device) — use one of: id',
    ]);
  });

  it('reports errors of the real features, outputs and model validators with the file', () => {
    using repo = new Repo();
    const msgs = messages(repo, BASE_YAML.replace('kind: numeric', 'kind: numerc').replace('backend: onnx', 'backend: onnxx'));
    assert.equal(msgs.length, 2);
    assert.ok(msgs.every((m) => m.startsWith('functions/scorer/function.yaml: ')));
    assert.ok(msgs.some((m) => m.includes('features[0].columns[0].kind')));
    assert.ok(msgs.some((m) => m.includes('model.backend')));
  });

  it('merges included files and names the file a problem is in', () => {
    using repo = new Repo();
    const dir = join(repo.functionsDir, 'scorer');
    const main = BASE_YAML.replace(/^features:.*$/m, '').replace(/^outputs:.*$/m, '') + 'include: [features.yaml]\n';
    repo.addFunction('scorer', main);
    writeFileSync(join(dir, 'features.yaml'), 'features: [{ input: features, columns: [{ field: amount, kind: numeric }] }]\noutputs: { score: { kind: score, output: score } }\n');
    const f = ok(repo, main);
    assert.deepEqual(f.outputs, { fields: [{ name: 'score', spec: { kind: 'score', output: 'score', index: 0 } }] });

    writeFileSync(join(dir, 'features.yaml'), 'features: [{ input: features, columns: [{ field: amout, kind: numeric }] }]\noutputs: { score: { kind: score, output: score } }\nkey: card_id\n');
    const msgs = messages(repo, main);
    assert.deepEqual(msgs.map((m) => m.split(': ').slice(0, 2).join(': ')), [
      'functions/scorer/features.yaml: key',
      'functions/scorer/features.yaml: features[0].columns[0].field',
    ].map((m) => m.replace('functions/scorer/', join(dir, '/').replace(process.cwd() + '/', ''))));
    assert.match(msgs[0] ?? '', /key: is also set in .*function\.yaml — keep it in one file/);

    writeFileSync(join(dir, 'features.yaml'), 'features: [{ input: features, columns: [{ field: amount, kind: numeric }] }]\n');
    assert.deepEqual(messages(repo, main), [
      'functions/scorer/function.yaml: outputs: is required — add e.g. "outputs: { fraud_score: { kind: score, output: score } }", here or in an included file',
    ]);

    const missing = messages(repo, BASE_YAML + 'include: [nope.yaml]\n');
    assert.deepEqual(missing.map((m) => m.split(': ').slice(1).join(': ')), [
      'include[0]: included file nope.yaml does not exist — write the path relative to the function directory, or re-run the script that generates it',
    ]);
  });

  it('reports all four acceptance errors of one file in one run', () => {
    using repo = new Repo();
    const yaml = BASE_YAML.replace('[transactions]', '[transactions, "bad topic"]') + 'retainOrdering: true\nretainKeyOrdering: true\nbatchin: {}\n';
    const fields = messages(repo, yaml, { model: false }).map((m) => m.split(': ')[1]);
    assert.deepEqual(fields, ['batchin', 'model.path', 'inputs[1]', 'retainKeyOrdering']);
  });

  it('cross-checks names, topics and bounds', () => {
    using repo = new Repo();
    const msgs = messages(
      repo,
      BASE_YAML.replace('output: scores', 'output: transactions') +
        'name: other\ndeadLetterTopic: transactions\nbatching: { maxBatchSize: 100, maxQueuedEvents: 50 }\nnegativeAckBackoff: { minDelayMs: 5000, maxDelayMs: 1000 }\n',
    );
    const fields = msgs.map((m) => m.split(': ')[1]);
    assert.deepEqual(fields, ['name', 'output', 'deadLetterTopic', 'batching.maxQueuedEvents', 'negativeAckBackoff.minDelayMs']);
  });

  it('reports YAML syntax errors with the line', () => {
    using repo = new Repo();
    const msgs = messages(repo, 'inputs: [a\nname: x\n');
    assert.ok(msgs.length >= 1);
    assert.match(msgs[0] ?? '', /^functions\/scorer\/function\.yaml: line \d+: not valid YAML: /);
  });

  it('runs the section validators and reports their errors with the file', () => {
    using repo = new Repo();
    const seen: string[] = [];
    const validators: SectionValidators = {
      features: (raw, path, ctx) => {
        seen.push(`${path}:${ctx.mode}`);
        return { value: { parsed: raw }, errors: [] };
      },
      outputs: (_raw, path) => ({ errors: [{ field: `${path}.score.kind`, message: 'unknown kind "scor"', hint: 'did you mean "score"?' }] }),
      model: (raw) => ({ value: raw, errors: [] }),
    };
    const msgs = messages(repo, BASE_YAML, { validators });
    assert.deepEqual(msgs, ['functions/scorer/function.yaml: outputs.score.kind: unknown kind "scor" — did you mean "score"?']);
    assert.deepEqual(seen, ['features:event']);
  });
});
