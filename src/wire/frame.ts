// Pulsar frames, bytes only.
//   simple:  [totalSize u32][commandSize u32][BaseCommand]
//   payload: [totalSize u32][commandSize u32][BaseCommand]
//            ([0x0e02][size u32][BrokerEntryMetadata])   only on MESSAGE, when the broker adds it
//            [0x0e01][CRC32C u32][metadataSize u32][MessageMetadata][payload]
// All integers big-endian; totalSize counts everything after itself; the CRC32C covers metadataSize,
// metadata and payload.
import { ProtocolError } from '../errors.js';
import type { BaseCommand } from './commands.js';
import { crc32c } from './crc32c.js';
import type { BrokerEntryMetadata, MessageMetadata } from './messages.js';
import {
  decodeBaseCommand,
  decodeBrokerEntryMetadata,
  decodeMessageMetadata,
  releaseWriter,
  takeWriter,
  writeBaseCommand,
  writeBrokerEntryMetadata,
  writeMessageMetadata,
} from './proto.js';

export const MAGIC_CRC32C = 0x0e01;
export const MAGIC_BROKER_ENTRY_METADATA = 0x0e02;
/** The broker's default max_message_size, used until CONNECTED announces its own. */
export const DEFAULT_MAX_MESSAGE_SIZE = 5 * 1024 * 1024;
/** Headroom a frame may have over max_message_size (commands and metadata around the payload). */
export const FRAME_SIZE_PADDING = 10 * 1024;
export const DEFAULT_MAX_FRAME_SIZE = DEFAULT_MAX_MESSAGE_SIZE + FRAME_SIZE_PADDING;

/** Max frame size (limit on totalSize) for a broker's max_message_size. */
export function maxFrameSizeFor(maxMessageSize: number): number {
  return maxMessageSize + FRAME_SIZE_PADDING;
}

/** One decoded frame. */
export interface DecodedFrame {
  command: BaseCommand;
  /** Bytes on the wire, the 4-byte totalSize included. */
  frameSize: number;
  /** Present when the broker put a 0x0e02 section in front of the message metadata. */
  brokerEntryMetadata?: BrokerEntryMetadata;
  /** Payload frames (SEND, MESSAGE) whose metadata could be read. */
  metadata?: MessageMetadata;
  /** The (possibly compressed, possibly batched) payload; a view into the received bytes. */
  payload?: Buffer;
  /**
   * Payload frames: whether the CRC32C matched; undefined when the frame carried no checksum. A frame with
   * a bad checksum is still delivered (never dropped silently): report it, dead-letter it, ack it with
   * AckValidationError.ChecksumMismatch.
   */
  checksumValid?: boolean;
  /** Payload frames: [metadataSize][metadata][payload] exactly as received (the checksummed bytes). */
  rawMetadataAndPayload?: Buffer;
  /**
   * Payload frames whose payload section cannot be read (impossible sizes, undecodable metadata): why.
   * metadata and payload are then absent, but the command (ids) is intact, so the frame can be handled.
   */
  payloadError?: ProtocolError;
}

export interface PayloadCommandOptions {
  /** Writes a 0x0e02 section (brokers do this on MESSAGE; useful for fakes and tests). */
  brokerEntryMetadata?: BrokerEntryMetadata;
}

/** Encodes a simple command frame. One allocation: the returned Buffer. */
export function encodeCommand(command: BaseCommand): Buffer {
  const w = takeWriter();
  writeBaseCommand(w, command);
  const commandSize = w.pos;
  const frame = Buffer.allocUnsafe(8 + commandSize);
  frame.writeUInt32BE(4 + commandSize, 0);
  frame.writeUInt32BE(commandSize, 4);
  frame.set(w.buf.subarray(0, commandSize), 8);
  releaseWriter(w);
  return frame;
}

/** Encodes a payload command frame (SEND, or MESSAGE for fakes) with its CRC32C. One allocation. */
export function encodePayloadCommand(
  command: BaseCommand,
  metadata: MessageMetadata,
  payload: Uint8Array,
  options: PayloadCommandOptions = {},
): Buffer {
  const w = takeWriter();
  writeBaseCommand(w, command);
  const commandSize = w.pos;
  const bem = options.brokerEntryMetadata;
  if (bem !== undefined) writeBrokerEntryMetadata(w, bem);
  const bemEnd = w.pos;
  writeMessageMetadata(w, metadata);
  const metadataEnd = w.pos;
  const bemSize = bemEnd - commandSize;
  const metadataSize = metadataEnd - bemEnd;
  const bemSection = bem === undefined ? 0 : 6 + bemSize;
  const totalSize = 4 + commandSize + bemSection + 6 + 4 + metadataSize + payload.length;

  const frame = Buffer.allocUnsafe(4 + totalSize);
  frame.writeUInt32BE(totalSize, 0);
  frame.writeUInt32BE(commandSize, 4);
  frame.set(w.buf.subarray(0, commandSize), 8);
  let pos = 8 + commandSize;
  if (bem !== undefined) {
    frame.writeUInt16BE(MAGIC_BROKER_ENTRY_METADATA, pos);
    frame.writeUInt32BE(bemSize, pos + 2);
    frame.set(w.buf.subarray(commandSize, bemEnd), pos + 6);
    pos += bemSection;
  }
  frame.writeUInt16BE(MAGIC_CRC32C, pos);
  const checksumAt = pos + 2;
  const checksummedStart = pos + 6;
  frame.writeUInt32BE(metadataSize, checksummedStart);
  frame.set(w.buf.subarray(bemEnd, metadataEnd), checksummedStart + 4);
  frame.set(payload, checksummedStart + 4 + metadataSize);
  releaseWriter(w);
  frame.writeUInt32BE(crc32c(frame.subarray(checksummedStart)), checksumAt);
  return frame;
}

/**
 * Decodes one complete frame: `frame` holds exactly [totalSize][...] as on the wire.
 * Throws ProtocolError when the frame itself is malformed (sizes, command); a malformed payload section
 * is reported in the result instead (payloadError / checksumValid), see DecodedFrame.
 */
export function decodeFrame(frame: Buffer): DecodedFrame {
  if (frame.length < 8) throw new ProtocolError('FRAME_TRUNCATED', `a frame needs 8 bytes, got ${frame.length}`);
  const totalSize = frame.readUInt32BE(0);
  if (totalSize + 4 !== frame.length) {
    throw new ProtocolError('BAD_FRAME_SIZE', `totalSize ${totalSize} does not match ${frame.length - 4} bytes`);
  }
  const commandSize = frame.readUInt32BE(4);
  if (commandSize === 0 || commandSize > totalSize - 4) {
    throw new ProtocolError('BAD_COMMAND_SIZE', `commandSize ${commandSize} impossible in a frame of ${totalSize}`);
  }
  const commandEnd = 8 + commandSize;
  const command = decodeBaseCommand(frame, 8, commandEnd);
  const result: DecodedFrame = { command, frameSize: frame.length };
  if (commandEnd < frame.length) readPayloadSection(frame, commandEnd, result);
  return result;
}

function payloadFailure(result: DecodedFrame, code: string, message: string, cause?: unknown): void {
  result.payloadError = new ProtocolError(code, message, cause === undefined ? {} : { cause });
}

function readPayloadSection(frame: Buffer, start: number, result: DecodedFrame): void {
  const end = frame.length;
  let pos = start;
  if (end - pos >= 2 && frame.readUInt16BE(pos) === MAGIC_BROKER_ENTRY_METADATA) {
    if (end - pos < 6) {
      result.rawMetadataAndPayload = frame.subarray(pos);
      return payloadFailure(result, 'BAD_BROKER_ENTRY_METADATA', 'broker entry metadata section truncated');
    }
    const size = frame.readUInt32BE(pos + 2);
    if (size > end - pos - 6) {
      result.rawMetadataAndPayload = frame.subarray(pos);
      return payloadFailure(result, 'BAD_BROKER_ENTRY_METADATA', `broker entry metadata size ${size} exceeds frame`);
    }
    try {
      result.brokerEntryMetadata = decodeBrokerEntryMetadata(frame, pos + 6, pos + 6 + size);
    } catch (err) {
      result.rawMetadataAndPayload = frame.subarray(pos);
      return payloadFailure(result, 'BAD_BROKER_ENTRY_METADATA', 'broker entry metadata undecodable', err);
    }
    pos += 6 + size;
  }
  if (end - pos >= 6 && frame.readUInt16BE(pos) === MAGIC_CRC32C) {
    const expected = frame.readUInt32BE(pos + 2);
    pos += 6;
    result.checksumValid = crc32c(frame.subarray(pos)) === expected;
  }
  // Frames without the magic come from peers older than protocol v6: metadata follows unchecked.
  result.rawMetadataAndPayload = frame.subarray(pos);
  if (end - pos < 4) {
    return payloadFailure(result, 'BAD_METADATA_SIZE', 'payload section too short for a metadata size');
  }
  const metadataSize = frame.readUInt32BE(pos);
  if (metadataSize > end - pos - 4) {
    return payloadFailure(result, 'BAD_METADATA_SIZE', `metadataSize ${metadataSize} exceeds the frame`);
  }
  const metadataEnd = pos + 4 + metadataSize;
  try {
    result.metadata = decodeMessageMetadata(frame, pos + 4, metadataEnd);
  } catch (err) {
    return payloadFailure(result, 'BAD_METADATA', 'message metadata undecodable', err);
  }
  result.payload = frame.subarray(metadataEnd);
}
