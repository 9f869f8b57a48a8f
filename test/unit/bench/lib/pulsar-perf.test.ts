import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProduceDoneLine, parsePerfLog, pulsarPerfArgs } from '../../../../bench/lib/pulsar-perf.js';
import type { WorkerJob } from '../../../../bench/lib/worker-protocol.js';

const job: WorkerJob = {
  mode: 'produce',
  serviceUrl: 'pulsar://127.0.0.1:6650',
  topic: 'persistent://public/default/t1',
  messages: 2000,
  size: 100,
  batchMaxMessages: 1000,
  batchMaxBytes: 131072,
  batchDelayMs: 10,
  maxPending: 5000,
  subscription: 'sub-a',
  subscriptionType: 'Exclusive',
  receiverQueueSize: 1000,
  idleTimeoutMs: 1000,
};

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
}

describe('pulsarPerfArgs', () => {
  it('passes the same batching, pending bound, size and count as the Strobe worker gets', () => {
    const a = pulsarPerfArgs(job);
    assert.equal(a[0], 'produce');
    assert.equal(flag(a, '-m'), String(job.messages));
    assert.equal(flag(a, '-s'), String(job.size));
    assert.equal(flag(a, '-bm'), String(job.batchMaxMessages));
    assert.equal(flag(a, '-bb'), String(job.batchMaxBytes));
    assert.equal(flag(a, '-b'), String(job.batchDelayMs));
    assert.equal(flag(a, '-o'), String(job.maxPending));
    assert.equal(a[a.length - 1], job.topic);
  });

  it('consumes N from Earliest on the named subscription with the same receiver queue', () => {
    const a = pulsarPerfArgs({ ...job, mode: 'consume' });
    assert.equal(a[0], 'consume');
    assert.equal(flag(a, '-m'), String(job.messages));
    assert.equal(flag(a, '-ss'), 'sub-a');
    assert.equal(flag(a, '-st'), 'Exclusive');
    assert.equal(flag(a, '-sp'), 'Earliest');
    assert.equal(flag(a, '-q'), '1000');
  });
});

describe('parsePerfLog', () => {
  const produceLog = [
    '1700000000100 INFO  org.apache.pulsar.testclient.PerformanceProducer - Adding 1 publishers on topic t1',
    '1700000000200 INFO  org.apache.pulsar.testclient.PerformanceProducer - Created 1 producers',
    '  "a json config line" : 1',
    '1700000002700 INFO  org.apache.pulsar.testclient.PerformanceProducer - ------------- DONE (reached the maximum number: 2000 of production) --------------',
    '1700000003000 ERROR org.apache.pulsar.testclient.PerfClientUtils - Failed to close client',
    '1700000003100 INFO  org.apache.pulsar.testclient.PerformanceProducer - Aggregated throughput stats --- 2310 records sent --- 770.000 msg/s --- 0.587 Mbit/s ',
  ].join('\n');

  it('finds the send loop start, the DONE line and the final record count', () => {
    const r = parsePerfLog(produceLog, 'produce');
    assert.equal(r.startMs, 1700000000200);
    assert.equal(r.endMs, 1700000002700);
    assert.equal(r.records, 2310);
    assert.equal(r.reportedRate, 770);
  });

  it('ignores errors logged after DONE (the bench stops the process) but keeps earlier ones', () => {
    assert.deepEqual(parsePerfLog(produceLog, 'produce').errors, []);
    const early = produceLog.replace('1700000003000 ERROR', '1700000001000 ERROR');
    assert.deepEqual(parsePerfLog(early, 'produce').errors, ['Failed to close client']);
  });

  it('reads a consumer log', () => {
    const log = [
      '1700000000500 INFO  org.apache.pulsar.testclient.PerformanceConsumer - Start receiving from 1 consumers per subscription on 1 topics',
      '1700000001500 INFO  org.apache.pulsar.testclient.PerformanceConsumer - ------------------- DONE -----------------------',
      '1700000001510 INFO  org.apache.pulsar.testclient.PerformanceConsumer - Aggregated throughput stats --- 2000 records received --- 1000.5 msg/s --- 1 Mbit/s --- AckRate: 1000 msg/s --- ack failed 0 msg',
    ].join('\n');
    const r = parsePerfLog(log, 'consume');
    assert.equal(r.startMs, 1700000000500);
    assert.equal(r.endMs, 1700000001500);
    assert.equal(r.records, 2000);
  });

  it('tells the produce DONE line apart from the consumer one', () => {
    assert.ok(isProduceDoneLine('1 INFO x - ------------- DONE (reached the maximum number: 5 of production) ---'));
    assert.ok(!isProduceDoneLine('1 INFO x - ------------------- DONE -----------------------'));
  });
});
