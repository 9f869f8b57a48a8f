import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PulsarClient } from '../../../src/client/client.js';
import { TimeoutError } from '../../../src/errors.js';
import { CommandType } from '../../../src/wire/enums.js';
import { encodeCommand } from '../../../src/wire/frame.js';
import { scriptedBroker } from './scripted-broker.js';

describe('producer edge cases (scripted broker)', () => {
  it('a message never confirmed fails with TimeoutError after sendTimeoutMs, and later sends still work', async () => {
    let confirm = false;
    const broker = await scriptedBroker((cmd, socket) => {
      if (!confirm) return; // swallow the SEND: no receipt
      const s = cmd.send;
      socket.write(encodeCommand({ type: CommandType.SEND_RECEIPT, sendReceipt: { producerId: s?.producerId ?? 0, sequenceId: s?.sequenceId ?? 0, messageId: { ledgerId: 1, entryId: s?.sequenceId ?? 0 } } }));
    });
    const client = new PulsarClient({ serviceUrl: broker.url });
    try {
      const producer = await client.createProducer({ topic: 'edge', batching: false, sendTimeoutMs: 300 });
      const t0 = Date.now();
      await assert.rejects(producer.send({ value: Buffer.from('lost') }), (e: unknown) => e instanceof TimeoutError);
      const waited = Date.now() - t0;
      assert.ok(waited >= 290 && waited < 3000, `failed after ${waited} ms`);
      confirm = true;
      const id = await producer.send({ value: Buffer.from('kept') });
      assert.equal(id.ledgerId, 1);
    } finally {
      await client.close();
      await broker.close();
    }
  });

  it('a receipt out of order makes the producer reconnect and resend what is pending', async () => {
    let sends = 0;
    const broker = await scriptedBroker((cmd, socket) => {
      sends++;
      const s = cmd.send;
      // First connection: confirm a sequence id that was never sent; afterwards answer normally.
      const seq = sends === 1 ? (s?.sequenceId ?? 0) + 5 : (s?.sequenceId ?? 0);
      socket.write(encodeCommand({ type: CommandType.SEND_RECEIPT, sendReceipt: { producerId: s?.producerId ?? 0, sequenceId: seq, messageId: { ledgerId: 2, entryId: seq } } }));
    });
    const client = new PulsarClient({ serviceUrl: broker.url });
    try {
      const producer = await client.createProducer({ topic: 'edge', batching: false });
      const id = await producer.send({ value: Buffer.from('x') });
      assert.equal(id.entryId, 0, 'confirmed by the resend on the new connection');
      assert.ok(broker.connections >= 2, 'reconnected');
      assert.equal(broker.received.filter((c) => c.type === CommandType.SEND).length, 2, 'sent once, resent once');
    } finally {
      await client.close();
      await broker.close();
    }
  });
});
