import { readFileSync } from 'node:fs';
import type avro from 'avsc';
import { TransactionGenerator } from '../generator/transactions.js';
import { Prng } from '../generator/prng.js';
import { ZipfSampler } from '../generator/zipf-sampler.js';
import { ConfigError } from '../errors.js';
import { avroType } from '../schema/avro-codec.js';

/** Where `strobe produce` (and the demo) get records: the transaction generator, or random records of a schema. */
export interface RecordSource {
  readonly schema: unknown;
  readonly type: avro.Type;
  next(): { record: Record<string, unknown>; key: string };
}

export interface SourceOptions {
  /** 'transactions' or a path to an .avsc file. */
  readonly source: string;
  /** Path of schemas/transaction.avsc, for the generator. */
  readonly transactionSchemaFile: string;
  readonly keys: number;
  readonly keyDistribution: 'uniform' | 'zipf';
  /** Record field that holds the key (schema mode); set to the chosen key if the field is a string. */
  readonly keyField?: string;
  readonly seed: number;
  /** Stamp event_time with the wall clock at generation (live streams). @default true */
  readonly liveEventTime?: boolean;
}

export function recordSource(o: SourceOptions): RecordSource {
  if (o.source === 'transactions') {
    const schema: unknown = JSON.parse(readFileSync(o.transactionSchemaFile, 'utf8'));
    const type = avroType(schema);
    const gen = new TransactionGenerator({ seed: o.seed, keyCount: o.keys, keyDistribution: o.keyDistribution })[Symbol.iterator]();
    return {
      schema,
      type,
      next() {
        const tx = gen.next().value as unknown as Record<string, unknown>;
        if (o.liveEventTime ?? true) tx.event_time = Date.now();
        return { record: tx, key: String(tx.card_id) };
      },
    };
  }
  let schema: unknown;
  try {
    schema = JSON.parse(readFileSync(o.source, 'utf8'));
  } catch (err) {
    throw new ConfigError(`--source ${o.source}: not "transactions" and not a readable .avsc file (${(err as Error).message})`, { field: 'source' });
  }
  const type = avroType(schema);
  const rng = new Prng(o.seed);
  const zipf = o.keyDistribution === 'zipf' ? new ZipfSampler(o.keys, 1.1) : undefined;
  const fields = new Set(((schema as { fields?: { name: string }[] }).fields ?? []).map((f) => f.name));
  if (o.keyField !== undefined && !fields.has(o.keyField)) {
    throw new ConfigError(`--key-field ${o.keyField}: the schema has no such field (fields: ${[...fields].join(', ')})`, { field: 'key-field' });
  }
  return {
    schema,
    type,
    next() {
      const record = type.random() as unknown as Record<string, unknown>;
      const k = zipf ? zipf.sample(rng) : Math.floor(rng.next() * o.keys);
      const key = `key-${k}`;
      if (o.keyField !== undefined && typeof record[o.keyField] === 'string') record[o.keyField] = key;
      return { record, key };
    },
  };
}
