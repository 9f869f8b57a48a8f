// Wire benchmark: SEND frame encoding and MESSAGE frame decoding, single messages and batches of 100.
//   npx tsx bench/wire-frames.ts [seconds per case, default 1]
// Prints one line per case (frames/s, messages/s, MB/s of 1 KiB message payloads) and a JSON summary.
import { decodeBatch, encodeBatch } from '../src/wire/batch.js';
import type { BaseCommand } from '../src/wire/commands.js';
import { compress, decompress } from '../src/wire/compression.js';
import { CommandType, CompressionType } from '../src/wire/enums.js';
import { FrameDecoder } from '../src/wire/frame-decoder.js';
import { encodePayloadCommand } from '../src/wire/frame.js';
import type { MessageMetadata, SingleMessageMetadata } from '../src/wire/messages.js';

const seconds = Number(process.argv[2] ?? 1);
const PAYLOAD_BYTES = 1024;

interface Result {
  name: string;
  framesPerSec: number;
  messagesPerSec: number;
  mbPerSec: number;
}

/** Runs `op` for the configured time; each op handles framesPerOp frames holding messagesPerOp messages. */
function measure(name: string, framesPerOp: number, messagesPerOp: number, op: () => void): Result {
  const warmEnd = performance.now() + 200;
  while (performance.now() < warmEnd) op();
  let ops = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 100; i++) op();
    ops += 100;
    now = performance.now();
  }
  const perSec = ops / ((now - start) / 1000);
  const messagesPerSec = perSec * messagesPerOp;
  const r = { name, framesPerSec: perSec * framesPerOp, messagesPerSec, mbPerSec: (messagesPerSec * PAYLOAD_BYTES) / 1e6 };
  console.log(
    `${name.padEnd(44)} ${Math.round(r.framesPerSec).toLocaleString('en').padStart(10)} frames/s ` +
      `${Math.round(r.messagesPerSec).toLocaleString('en').padStart(11)} msg/s ${r.mbPerSec.toFixed(0).padStart(6)} MB/s of messages`,
  );
  return r;
}

const payload = Buffer.alloc(PAYLOAD_BYTES);
for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + (i >> 5)) & 0xff;
// A 1 KiB JSON-like record, so that LZ4 has something to find (the binary payload above is for singles).
const record = JSON.stringify({ card_id: 'c-0000042', amount: 12.5, merchant: 'm-7', ts: 1_700_000_000_000 });
const jsonish = Buffer.from(record.padEnd(PAYLOAD_BYTES, ' '));

function sendCommand(sequenceId: number, numMessages?: number): BaseCommand {
  return { type: CommandType.SEND, send: numMessages === undefined ? { producerId: 1, sequenceId } : { producerId: 1, sequenceId, numMessages } };
}

function metadataFor(sequenceId: number, extra: Partial<MessageMetadata> = {}): MessageMetadata {
  return { producerName: 'strobe-bench-0', sequenceId, publishTime: 1_700_000_000_000 + sequenceId, partitionKey: 'card-42', ...extra };
}

const results: Result[] = [];
let seq = 0;

// --- encode
results.push(
  measure('encode SEND, 1 KiB', 1, 1, () => {
    encodePayloadCommand(sendCommand(seq), metadataFor(seq), payload);
    seq++;
  }),
);

const entries = Array.from({ length: 100 }, (_, i) => ({
  metadata: { partitionKey: `card-${i % 7}`, sequenceId: i, eventTime: 1_700_000_000_000 + i } as SingleMessageMetadata,
  payload: jsonish,
}));
results.push(
  measure('encode SEND, batch of 100 x 1 KiB', 1, 100, () => {
    const batch = encodeBatch(entries);
    encodePayloadCommand(sendCommand(seq, 100), metadataFor(seq, { numMessagesInBatch: 100 }), batch);
    seq += 100;
  }),
);
results.push(
  measure('encode SEND, batch of 100 x 1 KiB, LZ4', 1, 100, () => {
    const batch = encodeBatch(entries);
    const packed = compress(CompressionType.LZ4, batch);
    encodePayloadCommand(
      sendCommand(seq, 100),
      metadataFor(seq, { numMessagesInBatch: 100, compression: CompressionType.LZ4, uncompressedSize: batch.length }),
      packed,
    );
    seq += 100;
  }),
);

// --- decode: a socket-sized stream of MESSAGE frames pushed through the FrameDecoder
function messageCommand(entryId: number): BaseCommand {
  return { type: CommandType.MESSAGE, message: { consumerId: 3, messageId: { ledgerId: 1234, entryId, partition: -1 } } };
}
const singleFrames = Array.from({ length: 64 }, (_, i) => encodePayloadCommand(messageCommand(i), metadataFor(i), payload));
const singleStream = Buffer.concat(singleFrames);
const chunks: Buffer[] = [];
for (let off = 0; off < singleStream.length; off += 65536) chunks.push(singleStream.subarray(off, off + 65536));
const decoder = new FrameDecoder();
results.push(
  measure('decode MESSAGE, 1 KiB (64 KiB socket chunks)', 64, 64, () => {
    let n = 0;
    for (const c of chunks) n += decoder.push(c).length;
    if (n !== 64) throw new Error(`decoded ${n}`);
  }),
);

const batch = encodeBatch(entries);
const batchFrame = encodePayloadCommand(messageCommand(1), metadataFor(0, { numMessagesInBatch: 100 }), batch);
const batchDecoder = new FrameDecoder();
results.push(
  measure('decode MESSAGE, batch of 100 x 1 KiB', 1, 100, () => {
    const [frame] = batchDecoder.push(batchFrame);
    const md = frame!.metadata!;
    const msgs = decodeBatch(frame!.payload!, md.numMessagesInBatch!);
    if (msgs.length !== 100) throw new Error('batch');
  }),
);
const lz4Batch = compress(CompressionType.LZ4, batch);
const lz4Frame = encodePayloadCommand(
  messageCommand(2),
  metadataFor(0, { numMessagesInBatch: 100, compression: CompressionType.LZ4, uncompressedSize: batch.length }),
  lz4Batch,
);
results.push(
  measure('decode MESSAGE, batch of 100 x 1 KiB, LZ4', 1, 100, () => {
    const [frame] = batchDecoder.push(lz4Frame);
    const md = frame!.metadata!;
    const plain = decompress(md.compression!, frame!.payload!, md.uncompressedSize!);
    if (decodeBatch(plain, md.numMessagesInBatch!).length !== 100) throw new Error('batch');
  }),
);

console.log(JSON.stringify({ node: process.version, seconds, results: results.map((r) => ({ ...r, framesPerSec: Math.round(r.framesPerSec), messagesPerSec: Math.round(r.messagesPerSec), mbPerSec: Math.round(r.mbPerSec) })) }));
