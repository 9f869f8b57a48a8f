import { randomBytes } from 'node:crypto';
import type avro from 'avsc';
import { Command, InvalidArgumentError } from 'commander';
import type { PulsarClient } from '../client/client.js';
import type { Message } from '../client/message.js';
import { SchemaType } from '../wire/enums.js';
import { avroType, SchemaMismatchError } from '../schema/avro-codec.js';
import { WriterSchemaCache } from '../schema/writer-schema-cache.js';
import { addConnectionOptions, connect } from './client-flags.js';
import { printError } from './errors-output.js';
import type { WorkerFlags } from './functions-command.js';

/** Decodes messages with the schema registered under their schema version (latest when they carry none). */
export class RegisteredSchemaDecoder {
  private readonly writers: WriterSchemaCache;
  private readonly latest = new Map<string, Promise<avro.Type | undefined>>();

  constructor(private readonly client: PulsarClient) {
    this.writers = new WriterSchemaCache((topic, version) => client.getSchema(topic, version));
  }

  async decode(m: Message): Promise<unknown> {
    const type = await this.typeOf(m);
    if (!type) return m.value.toString('utf8');
    try {
      return type.fromBuffer(m.value);
    } catch (err) {
      return { undecodable: m.value.toString('base64'), error: (err as Error).message };
    }
  }

  /** The Avro type the message was written with; undefined for a schema that is not Avro (shown as text). */
  private async typeOf(m: Message): Promise<avro.Type | undefined> {
    const version = m.schemaVersion && m.schemaVersion.length > 0 ? m.schemaVersion : undefined;
    if (version) {
      try {
        return await this.writers.get(m.topic, version);
      } catch (err) {
        if (err instanceof SchemaMismatchError) return undefined;
        throw err;
      }
    }
    const topic = m.topic.replace(/-partition-\d+$/, '');
    let p = this.latest.get(topic);
    if (!p) {
      p = this.client.getSchema(topic).then((s) => (s && s.schema.type === SchemaType.Avro ? avroType(Buffer.from(s.schema.schemaData).toString('utf8')) : undefined));
      this.latest.set(topic, p);
    }
    return p;
  }
}

function count(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer >= 0');
  return n;
}

export function consumeCommand(): Command {
  return addConnectionOptions(new Command('consume'))
    .argument('<topic>', 'topic to read (short name → persistent://public/default/<name>)')
    .option('-s, --subscription <name>', 'subscription to read with (default: a temporary one, removed at exit)')
    .option('--from <earliest|latest>', 'where a new subscription starts', 'latest')
    .option('-n, --count <n>', 'stop after n messages (0 = until Ctrl-C)', count, 0)
    .option('--format <pretty|json>', 'pretty text, or one JSON object per line', 'pretty')
    .option('--no-ack', 'do not acknowledge (leave the messages for the subscription)')
    .description('tail a topic, decoding Avro with the schema the producer registered')
    .action(async (topic: string, flags: WorkerFlags & { subscription?: string; from: string; count: number; format: string; ack: boolean }) => {
      let client: PulsarClient | undefined;
      const temporary = flags.subscription === undefined;
      try {
        client = connect(flags).client;
        const consumer = await client.subscribe({
          topic,
          subscription: flags.subscription ?? `strobe-consume-${randomBytes(4).toString('hex')}`,
          subscriptionType: 'Shared',
          initialPosition: flags.from === 'earliest' ? 'Earliest' : 'Latest',
        });
        const decoder = new RegisteredSchemaDecoder(client);
        let seen = 0;
        let stop = false;
        process.once('SIGINT', () => {
          stop = true;
        });
        while (!stop && (flags.count === 0 || seen < flags.count)) {
          const batch = await consumer.batchReceive({ maxMessages: flags.count === 0 ? 500 : Math.min(500, flags.count - seen), timeoutMs: 200 });
          for (const m of batch) {
            const value = await decoder.decode(m);
            const row = { topic: m.topic, key: m.key ?? null, eventTime: m.eventTime || null, publishTime: m.publishTime, properties: m.properties, value };
            process.stdout.write(flags.format === 'json' ? `${JSON.stringify(row)}\n` : `${new Date(m.publishTime).toISOString()} key=${m.key ?? '-'} ${JSON.stringify(value)}\n`);
            if (flags.ack) consumer.ack(m);
            seen++;
          }
        }
        await consumer.close({ unsubscribe: temporary });
      } catch (err) {
        printError(err);
        process.exitCode = 1;
      } finally {
        await client?.close();
      }
    });
}
