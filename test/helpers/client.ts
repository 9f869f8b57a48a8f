// Client fixtures for integration tests: a PulsarClient on the broker under test, closed after the test.
import { PulsarClient, type ClientOptions } from '../../src/client/client.js';
import type { Message } from '../../src/client/message.js';
import { serviceUrl, waitFor } from './pulsar.js';

/** Runs `fn` with a fresh client and always closes it. */
export async function withClient<T>(fn: (client: PulsarClient) => Promise<T>, opts: Partial<ClientOptions> = {}): Promise<T> {
  const client = new PulsarClient({ serviceUrl: serviceUrl(), operationTimeoutMs: 15_000, ...opts });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/**
 * Reads `count` messages of `topic` from the beginning with a fresh subscription, then looks a little longer
 * so that duplicates beyond `count` show up too.
 */
export async function collect(client: PulsarClient, topic: string, count: number, timeoutMs = 90_000): Promise<Message[]> {
  const c = await client.subscribe({ topic, subscription: 'collector', initialPosition: 'Earliest', subscriptionType: 'Shared' });
  const out: Message[] = [];
  await waitFor(async () => {
    for (const m of await c.batchReceive({ maxMessages: 1000, timeoutMs: 100 })) {
      out.push(m);
      c.ack(m);
    }
    return out.length >= count;
  }, { timeoutMs, what: `${count} messages on ${topic} (have ${out.length})` });
  for (const m of await c.batchReceive({ maxMessages: 1000, timeoutMs: 300 })) out.push(m);
  await c.close();
  return out;
}
