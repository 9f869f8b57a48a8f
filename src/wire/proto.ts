// protobufjs set-up for the Pulsar messages: parses proto-schema.ts once, and adds the 64-bit rules that
// protobufjs does not have (safe numbers or a typed error, never a silent loss of precision).
import protobuf from 'protobufjs';
import { ProtocolError, StrobeError, UnsafeIntegerError } from '../errors.js';
import type { BaseCommand } from './commands.js';
import type { BrokerEntryMetadata, MessageMetadata, SingleMessageMetadata } from './messages.js';
import { PULSAR_PROTO } from './proto-schema.js';

const TWO_32 = 4294967296;
const MAX_SAFE_HI = 0x1fffff; // high word of 2^53 - 1

// Scratch words of the last 64-bit varint read; decoding is synchronous, so one pair is enough.
let varLo = 0;
let varHi = 0;

function truncated(): RangeError {
  return new RangeError('index out of range: truncated varint');
}

function readVarint64(r: protobuf.Reader): void {
  const buf = r.buf;
  const end = r.len;
  let pos = r.pos;
  let b: number;
  let lo = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= end) throw truncated();
    b = buf[pos++] as number;
    lo |= (b & 0x7f) << shift;
    if (b < 0x80) {
      r.pos = pos;
      varLo = lo >>> 0;
      varHi = 0;
      return;
    }
  }
  if (pos >= end) throw truncated();
  b = buf[pos++] as number;
  varLo = (lo | ((b & 0x7f) << 28)) >>> 0;
  let hi = (b & 0x7f) >>> 4;
  if (b >= 0x80) {
    for (let shift = 3; ; shift += 7) {
      if (shift > 31) throw new RangeError('invalid varint: more than 10 bytes');
      if (pos >= end) throw truncated();
      b = buf[pos++] as number;
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
  }
  varHi = hi >>> 0;
  r.pos = pos;
}

function bitsAsBigInt(lo: number, hi: number): bigint {
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
}

/** Reads a 64-bit varint as a signed (Java long) number; throws UnsafeIntegerError beyond 2^53 - 1. */
function readSafeInteger(this: protobuf.Reader): number {
  readVarint64(this);
  const lo = varLo;
  const hi = varHi;
  if (hi & 0x80000000) {
    let mlo = (~lo + 1) >>> 0;
    let mhi = ~hi >>> 0;
    if (mlo === 0) mhi = (mhi + 1) >>> 0;
    if (mhi > MAX_SAFE_HI) throw new UnsafeIntegerError('64-bit field', bitsAsBigInt(lo, hi).toString());
    mlo = mhi * TWO_32 + mlo;
    return -mlo;
  }
  if (hi > MAX_SAFE_HI) throw new UnsafeIntegerError('64-bit field', bitsAsBigInt(lo, hi).toString());
  return hi * TWO_32 + lo;
}

/** Reads a 64-bit varint bit set word as a signed bigint. */
function readBits(this: protobuf.Reader): bigint {
  readVarint64(this);
  return bitsAsBigInt(varLo, varHi);
}

class WireReader extends protobuf.BufferReader {}
Object.assign(WireReader.prototype, { uint64: readSafeInteger, int64: readBits });

// protobufjs' own varint writer (it takes numbers and {low, high} words).
function baseUint64(w: protobuf.Writer, value: number | { low: number; high: number; unsigned: boolean }): protobuf.Writer {
  return protobuf.Writer.prototype.uint64.call(w, value as number);
}

function writeSafeInteger(this: protobuf.Writer, value: unknown): protobuf.Writer {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ProtocolError('INVALID_FIELD', `a 64-bit field needs an integer number, got ${String(value)}`);
  }
  if (!Number.isSafeInteger(value)) throw new UnsafeIntegerError('64-bit field', String(value));
  return baseUint64(this, value);
}

function writeBits(this: protobuf.Writer, value: unknown): protobuf.Writer {
  if (typeof value !== 'bigint') {
    throw new ProtocolError('INVALID_FIELD', `a bit set word needs a bigint, got ${String(value)}`);
  }
  const low = Number(value & 0xffffffffn);
  const high = Number((value >> 32n) & 0xffffffffn);
  return baseUint64(this, { low, high, unsigned: false });
}

/** A protobufjs BufferWriter whose 64-bit writers take safe numbers (uint64) and bigint bit sets (int64). */
export class WireWriter extends protobuf.BufferWriter {}
Object.assign(WireWriter.prototype, { uint64: writeSafeInteger, int64: writeBits });

const root = protobuf.parse(PULSAR_PROTO, { keepCase: false }).root;
root.resolveAll();

function plainCopy(this: object): object {
  return { ...this };
}

function prepare(name: string): protobuf.Type {
  const type = root.lookupType(`strobe.pulsar.${name}`);
  // protobufjs puts each field's default on the message prototype; without them an absent optional field
  // reads as undefined, which keeps proto2 presence visible to callers.
  const prototype = type.ctor.prototype as Record<string, unknown>;
  for (const field of type.fieldsArray) delete prototype[field.name];
  // Message.prototype.toJSON would print 64-bit fields as strings; print what the object holds instead.
  Object.defineProperty(prototype, 'toJSON', { value: plainCopy, enumerable: false });
  type.setup();
  return type;
}

const messageTypes = new Map<string, protobuf.Type>();
const pulsarNamespace = root.lookup('strobe.pulsar');
if (!(pulsarNamespace instanceof protobuf.Namespace)) throw new Error('wire/proto: schema has no strobe.pulsar');
for (const nested of pulsarNamespace.nestedArray) {
  if (nested instanceof protobuf.Type) messageTypes.set(nested.name, prepare(nested.name));
}

function typeNamed(name: string): protobuf.Type {
  const type = messageTypes.get(name);
  if (type === undefined) throw new Error(`wire/proto: no message type ${name}`);
  return type;
}

const BaseCommandType = typeNamed('BaseCommand');
const MessageMetadataType = typeNamed('MessageMetadata');
const SingleMessageMetadataType = typeNamed('SingleMessageMetadata');
const BrokerEntryMetadataType = typeNamed('BrokerEntryMetadata');

const EMPTY = Buffer.alloc(0);
const reader = new WireReader(EMPTY);
// Keep fields this schema does not know, so a decoded command re-encodes to the bytes it came from.
reader.discardUnknown = false;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function decodeWith(type: protobuf.Type, bytes: Uint8Array, start: number, end: number): unknown {
  reader.buf = asBuffer(bytes);
  reader.pos = start;
  reader.len = end;
  try {
    return type.decode(reader, end - start);
  } catch (err) {
    if (err instanceof StrobeError) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new ProtocolError('BAD_PROTOBUF', `cannot decode ${type.name}: ${why}`, { cause: err });
  } finally {
    reader.buf = EMPTY; // do not keep the last frame alive
  }
}

/** Decodes a BaseCommand from bytes[start, end). Throws ProtocolError (UnsafeIntegerError for big ids). */
export function decodeBaseCommand(bytes: Uint8Array, start = 0, end = bytes.length): BaseCommand {
  return decodeWith(BaseCommandType, bytes, start, end) as BaseCommand;
}

export function decodeMessageMetadata(bytes: Uint8Array, start = 0, end = bytes.length): MessageMetadata {
  return decodeWith(MessageMetadataType, bytes, start, end) as MessageMetadata;
}

export function decodeSingleMessageMetadata(
  bytes: Uint8Array,
  start = 0,
  end = bytes.length,
): SingleMessageMetadata {
  return decodeWith(SingleMessageMetadataType, bytes, start, end) as SingleMessageMetadata;
}

export function decodeBrokerEntryMetadata(bytes: Uint8Array, start = 0, end = bytes.length): BrokerEntryMetadata {
  return decodeWith(BrokerEntryMetadataType, bytes, start, end) as BrokerEntryMetadata;
}

/** Decodes any message type of the schema by name (tests, tools). */
export function decodeMessage(typeName: string, bytes: Uint8Array): unknown {
  return decodeWith(typeNamed(typeName), bytes, 0, bytes.length);
}

// One writer reused for every encode (encoding is synchronous); it is replaced after a large message so
// that its grown buffer is not kept for ever.
const WRITER_KEEP_BYTES = 1024 * 1024;
let sharedWriter = new WireWriter();

/** The shared writer, emptied. Use it synchronously and call releaseWriter() when done. */
export function takeWriter(): WireWriter {
  const w = sharedWriter;
  w.pos = 0;
  if (w.states !== null) w.states.length = 0;
  return w;
}

export function releaseWriter(w: WireWriter): void {
  if (w.buf.length > WRITER_KEEP_BYTES) sharedWriter = new WireWriter();
}

function encodeWith(type: protobuf.Type, message: object, w: protobuf.Writer): void {
  try {
    type.encode(message, w);
  } catch (err) {
    if (err instanceof StrobeError) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new ProtocolError('ENCODE_FAILED', `cannot encode ${type.name}: ${why}`, { cause: err });
  }
}

export function writeBaseCommand(w: WireWriter, command: BaseCommand): void {
  encodeWith(BaseCommandType, command, w);
}

export function writeMessageMetadata(w: WireWriter, metadata: MessageMetadata): void {
  encodeWith(MessageMetadataType, metadata, w);
}

export function writeSingleMessageMetadata(w: WireWriter, metadata: SingleMessageMetadata): void {
  encodeWith(SingleMessageMetadataType, metadata, w);
}

export function writeBrokerEntryMetadata(w: WireWriter, metadata: BrokerEntryMetadata): void {
  encodeWith(BrokerEntryMetadataType, metadata, w);
}

/** Encodes any message type of the schema by name into a new Buffer (tests, tools). */
export function encodeMessage(typeName: string, message: object): Buffer {
  const w = takeWriter();
  encodeWith(typeNamed(typeName), message, w);
  const out = Buffer.from(w.buf.subarray(0, w.pos));
  releaseWriter(w);
  return out;
}
