import type avro from 'avsc';
import { StrobeError } from '../errors.js';
import { SchemaType } from '../wire/enums.js';
import type { Schema } from '../wire/messages.js';
import { avroType, SchemaMismatchError } from './avro-codec.js';

/** Fetches a registered schema by version (the client's GET_SCHEMA). */
export type SchemaFetcher = (topic: string, version: Uint8Array) => Promise<{ schema: Schema } | undefined>;

/**
 * Writer schemas by (topic, schema_version), fetched once from the broker and kept. A version the broker
 * does not know, or a non-Avro schema, is a permanent error for the messages that carry it.
 */
export class WriterSchemaCache {
  private readonly fetch: SchemaFetcher;
  private readonly types = new Map<string, Promise<avro.Type>>();
  private readonly ready = new Map<string, avro.Type>();

  constructor(fetch: SchemaFetcher) {
    this.fetch = fetch;
  }

  static key(topic: string, version: Uint8Array): string {
    return `${topic.replace(/-partition-\d+$/, '')}@${Buffer.from(version).toString('hex')}`;
  }

  /** The writer type if already fetched (hot path: no promise). */
  peek(topic: string, version: Uint8Array): avro.Type | undefined {
    return this.ready.get(WriterSchemaCache.key(topic, version));
  }

  get(topic: string, version: Uint8Array): Promise<avro.Type> {
    const key = WriterSchemaCache.key(topic, version);
    let p = this.types.get(key);
    if (!p) {
      p = this.load(topic, version, key);
      this.types.set(key, p);
      // A transient failure must not stick in the cache.
      p.catch(() => this.types.delete(key));
    }
    return p;
  }

  private async load(topic: string, version: Uint8Array, key: string): Promise<avro.Type> {
    let res;
    try {
      res = await this.fetch(topic.replace(/-partition-\d+$/, ''), version);
    } catch (err) {
      throw new StrobeError('SCHEMA_LOOKUP_FAILED', `cannot fetch schema ${key}: ${(err as Error).message}`, { retriable: true, cause: err });
    }
    if (!res) throw new SchemaMismatchError(`the broker has no schema version ${key}`);
    if (res.schema.type !== SchemaType.Avro) throw new SchemaMismatchError(`schema ${key} is type ${res.schema.type}, not AVRO`);
    const t = avroType(Buffer.from(res.schema.schemaData).toString('utf8'));
    this.ready.set(key, t);
    return t;
  }
}
