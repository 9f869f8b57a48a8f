import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/metrics/logger.js';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('logger', () => {
  it('writes one JSON object per line with a textual level, time, name and bindings', () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.stream });
    log.child({ function: 'fraud-scorer' }).info({ batch: 3 }, 'scored');
    const [line] = out.lines();
    assert.ok(line);
    assert.equal(line.level, 'info');
    assert.equal(line.name, 'strobe');
    assert.equal(line.function, 'fraud-scorer');
    assert.equal(line.batch, 3);
    assert.equal(line.msg, 'scored');
    assert.ok(!Number.isNaN(Date.parse(String(line.time))));
  });

  it('drops lines below the configured level and serializes errors', () => {
    const out = capture();
    const log = createLogger({ level: 'warn', destination: out.stream });
    log.info('hidden');
    log.debug('hidden');
    log.error({ err: new TypeError('bad') }, 'failed');
    const lines = out.lines();
    assert.equal(lines.length, 1);
    const err = lines[0]?.err as { type: string; message: string; stack: string };
    assert.equal(err.type, 'TypeError');
    assert.equal(err.message, 'bad');
    assert.match(err.stack, /TypeError: bad/);
  });
});
