import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { listFunctionNames, loadFunctions } from '../../../src/config/function-registry.js';
import { BASE_YAML, Repo } from './function-fixtures.js';

describe('function registry', () => {
  it('loads every function directory, sorted, with schemas from ../schemas', () => {
    using repo = new Repo();
    repo.addFunction('b-scorer', BASE_YAML.replace('output: scores', 'output: b-scores'));
    repo.addFunction('a-scorer', BASE_YAML);
    const { functions, errors } = loadFunctions(repo.functionsDir);
    assert.deepEqual(errors, []);
    assert.deepEqual(functions.map((f) => f.name), ['a-scorer', 'b-scorer']);
    assert.deepEqual(listFunctionNames(repo.functionsDir), ['a-scorer', 'b-scorer']);
  });

  it('collects errors from all files instead of stopping at the first', () => {
    using repo = new Repo();
    const a = repo.addFunction('a', `${BASE_YAML}batching: { maxWaitMs: 20ms }\n`);
    const b = repo.addFunction('b', `${BASE_YAML}retainOrdering: true\nretainKeyOrdering: true\n`);
    repo.addFunction('c', BASE_YAML.replace('output: scores', 'output: c-scores'));
    const { functions, errors } = loadFunctions(repo.functionsDir);
    assert.deepEqual(functions.map((f) => f.name), ['c']);
    assert.deepEqual(
      errors.map((e) => [e.file, e.field]),
      [
        [a, 'batching.maxWaitMs'].map((s, i) => (i === 0 ? relativeOrAbsolute(s) : s)),
        [b, 'retainKeyOrdering'].map((s, i) => (i === 0 ? relativeOrAbsolute(s) : s)),
      ],
    );
  });

  it('loads only the named functions and suggests a near name for an unknown one', () => {
    using repo = new Repo();
    repo.addFunction('fraud-scorer', BASE_YAML);
    repo.addFunction('session-recs', BASE_YAML.replace('output: scores', 'output: recs'));
    const { functions, errors } = loadFunctions(repo.functionsDir, ['session-recs', 'fraud-scorr']);
    assert.deepEqual(functions.map((f) => f.name), ['session-recs']);
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /fraud-scorr: no function "fraud-scorr" .* did you mean "fraud-scorer"\?/);
  });

  it('rejects two functions sharing a subscription on one topic', () => {
    using repo = new Repo();
    repo.addFunction('a', BASE_YAML);
    repo.addFunction('b', `${BASE_YAML.replace('output: scores', 'output: other')}subName: a\n`);
    const { functions, errors } = loadFunctions(repo.functionsDir);
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /b\/function\.yaml: subName: function "a" already subscribes to persistent:\/\/public\/default\/transactions as "a"/);
    assert.deepEqual(functions.map((f) => f.name), ['a']);
  });

  it('reports a missing or empty functions directory', () => {
    using repo = new Repo();
    assert.match(loadFunctions(join(repo.root, 'nope')).errors[0]?.message ?? '', /functions directory does not exist/);
    assert.match(loadFunctions(repo.functionsDir).errors[0]?.message ?? '', /no function found/);
  });
});

function relativeOrAbsolute(file: string): string {
  const rel = file.startsWith(process.cwd() + '/') ? file.slice(process.cwd().length + 1) : file;
  return rel;
}
