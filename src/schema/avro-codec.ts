import avro from 'avsc';
import { StrobeError } from '../errors.js';

/** Bytes that are not a datum of the writer schema (truncated, garbage, wrong schema). Permanent. */
export class AvroDecodeError extends StrobeError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('AVRO_DECODE', message, { ...options, retriable: false });
  }
}

/** A record the output schema cannot hold (missing field, wrong type). Permanent. */
export class AvroEncodeError extends StrobeError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('AVRO_ENCODE', message, { ...options, retriable: false });
  }
}

/** The writer schema of a message cannot be read as the function's reader schema. Permanent. */
export class SchemaMismatchError extends StrobeError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('SCHEMA_MISMATCH', message, { ...options, retriable: false });
  }
}

/** Parses an Avro schema (JSON text or object) into an avsc Type; logical types stay plain (timestamps as numbers). */
export function avroType(schema: unknown): avro.Type {
  const parsed: unknown = typeof schema === 'string' ? JSON.parse(schema) : schema;
  return avro.Type.forSchema(parsed as avro.Schema, { wrapUnions: false });
}

/**
 * Decodes raw Avro datums (Pulsar AVRO payloads: no container, no magic byte) as the function's reader
 * schema, resolving from the writer schema when a message was written with another version.
 */
export class AvroCodec {
  readonly type: avro.Type;
  private readonly resolvers = new Map<string, avro.Resolver | null>();

  constructor(schema: unknown) {
    this.type = avroType(schema);
  }

  /** Decodes with the reader schema itself (the writer used the same schema). */
  decode(buf: Buffer): unknown {
    return this.decodeWith(buf, null);
  }

  /**
   * Decodes a datum written with `writer` (cached under `writerKey`). Added reader fields take their
   * defaults, removed writer fields are skipped; an incompatible change is a SchemaMismatchError.
   */
  decodeFrom(buf: Buffer, writerKey: string, writer: () => avro.Type): unknown {
    let resolver = this.resolvers.get(writerKey);
    if (resolver === undefined) {
      const w = writer();
      if (w.equals(this.type)) resolver = null;
      else {
        try {
          resolver = this.type.createResolver(w);
        } catch (err) {
          throw new SchemaMismatchError(`writer schema ${writerKey} cannot be read as ${this.type.name ?? 'the reader schema'}: ${(err as Error).message}`, { cause: err });
        }
      }
      this.resolvers.set(writerKey, resolver);
    }
    return this.decodeWith(buf, resolver);
  }

  encode(record: unknown): Buffer {
    try {
      return this.type.toBuffer(record);
    } catch (err) {
      const problems: string[] = [];
      this.type.isValid(record, { errorHook: (path) => problems.push(path.join('.') || '(root)') });
      throw new AvroEncodeError(`record does not fit ${this.type.name ?? 'the schema'}${problems.length ? ` (fields: ${problems.join(', ')})` : ''}: ${(err as Error).message}`, { cause: err });
    }
  }

  private decodeWith(buf: Buffer, resolver: avro.Resolver | null): unknown {
    try {
      // fromBuffer also fails when bytes are left over: a datum must use the whole payload.
      return resolver ? this.type.fromBuffer(buf, resolver) : this.type.fromBuffer(buf);
    } catch (err) {
      throw new AvroDecodeError(`payload of ${buf.length} bytes is not a valid ${this.type.name ?? 'Avro'} datum: ${(err as Error).message}`, { cause: err });
    }
  }
}
