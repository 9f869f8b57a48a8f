// Client fixtures for integration tests: a PulsarClient on the broker under test, closed after the test.
import { PulsarClient, type ClientOptions } from '../../src/client/client.js';
import { serviceUrl } from './pulsar.js';

/** Runs `fn` with a fresh client and always closes it. */
export async function withClient<T>(fn: (client: PulsarClient) => Promise<T>, opts: Partial<ClientOptions> = {}): Promise<T> {
  const client = new PulsarClient({ serviceUrl: serviceUrl(), operationTimeoutMs: 15_000, ...opts });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
