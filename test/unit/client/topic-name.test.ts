import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/errors.js';
import { parseTopicName, partitionName, restPath } from '../../../src/client/topic-name.js';

describe('parseTopicName', () => {
  it('resolves a short name in public/default unless told otherwise', () => {
    assert.equal(parseTopicName('orders').full, 'persistent://public/default/orders');
    assert.equal(parseTopicName('orders', { tenant: 'acme', namespace: 'fraud' }).full, 'persistent://acme/fraud/orders');
  });
  it('keeps tenant/namespace/topic and the full form, including non-persistent', () => {
    assert.equal(parseTopicName('acme/fraud/tx').full, 'persistent://acme/fraud/tx');
    const t = parseTopicName('non-persistent://acme/fraud/tx');
    assert.equal(t.domain, 'non-persistent');
    assert.equal(t.localName, 'tx');
  });
  it('recognises a partition and its base topic', () => {
    const t = parseTopicName('persistent://public/default/tx-partition-12');
    assert.equal(t.partitionIndex, 12);
    assert.equal(t.base, 'persistent://public/default/tx');
    assert.equal(parseTopicName('tx').partitionIndex, -1);
    assert.equal(partitionName('tx', 3), 'persistent://public/default/tx-partition-3');
  });
  it('rejects malformed names with a ConfigError that shows the accepted forms', () => {
    for (const bad of ['', 'a/b', 'http://a/b/c', 'persistent://a/b', 'a/b/c/d', 'has space', 'persistent://a//c']) {
      assert.throws(() => parseTopicName(bad), (e: unknown) => e instanceof ConfigError && /persistent:\/\/tenant\/namespace/.test(e.message), bad);
    }
  });
  it('builds the admin REST path', () => {
    assert.equal(restPath('orders'), 'persistent/public/default/orders');
  });
});
