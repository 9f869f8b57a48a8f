import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionError, ServerError, StrobeError, ConfigError } from '../../src/errors.js';

describe('errors', () => {
  it('connection errors are retriable by default and keep their cause', () => {
    const cause = new Error('ECONNREFUSED');
    const e = new ConnectionError('CONNECT_FAILED', 'cannot reach 127.0.0.1:6650', { cause });
    assert.ok(e instanceof StrobeError);
    assert.equal(e.retriable, true);
    assert.equal(e.cause, cause);
    assert.equal(e.name, 'ConnectionError');
  });
  it('server errors carry the broker error name in their code', () => {
    const e = new ServerError('TopicNotFound', 'no such topic');
    assert.equal(e.code, 'SERVER_TopicNotFound');
    assert.equal(e.retriable, false);
  });
  it('config errors are never retriable even if asked', () => {
    const e = new ConfigError('bad', { retriable: true, file: 'f.yaml', field: 'x' });
    assert.equal(e.retriable, false);
    assert.equal(e.field, 'x');
  });
});
