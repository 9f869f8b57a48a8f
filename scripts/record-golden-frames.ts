// Records golden frames: runs the official Python client (pulsar-client) against the real broker through
// a small TCP proxy on 127.0.0.1 and writes every frame of each scenario, both directions, exactly as it
// crossed the proxy, to test/fixtures/golden/<scenario>.json. test/unit/wire/golden.test.ts decodes them.
//
//   npx tsx scripts/record-golden-frames.ts            (broker at PULSAR_SERVICE_URL or pulsar://127.0.0.1:6650)
//   STROBE_PYTHON=/path/to/python npx tsx scripts/record-golden-frames.ts
//   npx tsx scripts/record-golden-frames.ts --interop   (no recording: src/wire produces, Python consumes)
//
// The one change the proxy makes: LOOKUP_RESPONSE's brokerServiceUrl is pointed at the proxy so the client
// stays on the recorded connection; the fixture keeps the broker's original bytes (marked "rewritten").
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pythonPeer } from '../src/local-pulsar/peers.js';
import { encodeBatch } from '../src/wire/batch.js';
import type { BaseCommand } from '../src/wire/commands.js';
import { compress } from '../src/wire/compression.js';
import { CommandType, CompressionType, PROTOCOL_VERSION } from '../src/wire/enums.js';
import { FrameDecoder } from '../src/wire/frame-decoder.js';
import type { DecodedFrame } from '../src/wire/frame-decoder.js';
import { decodeFrame, encodeCommand, encodePayloadCommand } from '../src/wire/frame.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'test', 'fixtures', 'golden');
const brokerUrl = new URL(process.env.PULSAR_SERVICE_URL ?? 'pulsar://127.0.0.1:6650');
const adminUrl = process.env.PULSAR_ADMIN_URL ?? 'http://127.0.0.1:8080';

interface RecordedFrame {
  conn: number;
  dir: 'client->broker' | 'broker->client';
  type: string;
  hex: string;
  rewritten?: boolean;
}

let frames: RecordedFrame[] = [];
let connections = 0;

function splitFrames(buffered: Buffer, onFrame: (frame: Buffer) => void): Buffer {
  let rest = buffered;
  while (rest.length >= 4 && rest.length >= 4 + rest.readUInt32BE(0)) {
    const size = 4 + rest.readUInt32BE(0);
    onFrame(rest.subarray(0, size));
    rest = rest.subarray(size);
  }
  return Buffer.from(rest);
}

function pipeFrames(from: Socket, to: Socket, conn: number, dir: RecordedFrame['dir'], proxyUrl: string): void {
  let pending: Buffer = Buffer.alloc(0);
  from.on('data', (chunk: Buffer) => {
    pending = splitFrames(Buffer.concat([pending, chunk]), (frame) => {
      const copy = Buffer.from(frame);
      const decoded = decodeFrame(copy);
      const record: RecordedFrame = { conn, dir, type: CommandType[decoded.command.type] ?? String(decoded.command.type), hex: copy.toString('hex') };
      let forward: Buffer = copy;
      const lookup = decoded.command.lookupTopicResponse;
      if (lookup?.brokerServiceUrl !== undefined) {
        record.rewritten = true;
        forward = encodeCommand({ ...decoded.command, lookupTopicResponse: { ...lookup, brokerServiceUrl: proxyUrl } });
      }
      frames.push(record);
      to.write(forward);
    });
  });
  from.on('close', () => to.destroy());
  from.on('error', () => to.destroy());
}

async function startProxy(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const conn = connections++;
    const upstream = createConnection({ host: brokerUrl.hostname, port: Number(brokerUrl.port || 6650) });
    sockets.add(client).add(upstream);
    const url = `pulsar://127.0.0.1:${(server.address() as AddressInfo).port}`;
    pipeFrames(client, upstream, conn, 'client->broker', url);
    pipeFrames(upstream, client, conn, 'broker->client', url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `pulsar://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// The Python side of each scenario; prints one JSON line with what it sent or received.
const PYTHON_SCENARIOS = String.raw`
import json, sys
import pulsar
from pulsar import CompressionType, ConsumerType, InitialPosition, ConsumerKeySharedPolicy, KeySharedMode
from pulsar.schema import AvroSchema, Record, String, Long

args = json.loads(sys.argv[1])
scenario = args['scenario']
client = pulsar.Client(args['url'], operation_timeout_seconds=30,
                       logger=pulsar.ConsoleLogger(pulsar.LoggerLevel.Error))
out = {}
text = 'card-%d spent 12.50 at merchant m-7; '
if scenario == 'produce-single':
    p = client.create_producer(args['topic'], producer_name=args['producerName'], batching_enabled=False)
    sent = [{'value': 'single message', 'key': 'card-0', 'properties': {'origin': 'golden'}, 'eventTime': 1700000000000}]
    for m in sent:
        p.send(m['value'].encode(), partition_key=m['key'], properties=m['properties'], event_timestamp=m['eventTime'])
    p.close()
    out['sent'] = sent
elif scenario.startswith('produce-batch-'):
    comp = {'none': CompressionType.NONE, 'lz4': CompressionType.LZ4, 'zlib': CompressionType.ZLib,
            'zstd': CompressionType.ZSTD, 'snappy': CompressionType.SNAPPY}[scenario.split('-')[-1]]
    p = client.create_producer(args['topic'], producer_name=args['producerName'], batching_enabled=True,
                               batching_max_messages=3, batching_max_publish_delay_ms=60000, compression_type=comp)
    sent = [{'value': (text % i) * 8, 'key': 'card-%d' % i} for i in range(1, 4)]
    for m in sent:
        p.send_async(m['value'].encode(), None, partition_key=m['key'])
    p.flush()
    p.close()
    out['sent'] = sent
elif scenario == 'produce-avro':
    class Transaction(Record):
        card_id = String()
        amount = Long()
    p = client.create_producer(args['topic'], producer_name=args['producerName'], schema=AvroSchema(Transaction),
                               batching_enabled=False)
    p.send(Transaction(card_id='c-42', amount=1250), partition_key='c-42')
    p.close()
    out['sent'] = [{'card_id': 'c-42', 'amount': 1250}]
elif scenario == 'consume':
    c = client.subscribe(args['topic'], args['subscription'], consumer_type=ConsumerType.KeyShared,
                         initial_position=InitialPosition.Earliest, receiver_queue_size=100,
                         key_shared_policy=ConsumerKeySharedPolicy(KeySharedMode.AutoSplit),
                         negative_ack_redelivery_delay_ms=100)
    received = {}
    nacked = False
    while len(received) < args['expect']:
        m = c.receive(timeout_millis=20000)
        if not nacked:
            c.negative_acknowledge(m)
            nacked = True
            continue
        received[str(m.message_id())] = {'value': m.data().decode(), 'key': m.partition_key(),
                                          'redelivery': m.redelivery_count()}
        c.acknowledge(m)
    last = c.get_last_message_id()
    c.unsubscribe()
    out['received'] = list(received.values())
    out['lastMessageId'] = str(last)
elif scenario == 'read-all':
    import hashlib
    c = client.subscribe(args['topic'], 'interop', initial_position=InitialPosition.Earliest)
    out['received'] = []
    for _ in range(args['expect']):
        m = c.receive(timeout_millis=20000)
        out['received'].append({'sha256': hashlib.sha256(m.data()).hexdigest(), 'key': m.partition_key()})
        c.acknowledge(m)
    c.close()
client.close()
print(json.dumps(out))
`;

function pythonBinary(): string {
  const python = process.env.STROBE_PYTHON ?? pythonPeer();
  if (python === undefined || !existsSync(python)) {
    throw new Error('no Python with pulsar-client: run `npm run peers:install` or set STROBE_PYTHON');
  }
  return python;
}

function runPython(args: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(pythonBinary(), ['-c', PYTHON_SCENARIOS, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`python ${String(args.scenario)} exited ${String(code)}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, unknown>);
    });
  });
}

async function brokerVersion(): Promise<string> {
  const res = await fetch(`${adminUrl}/admin/v2/brokers/version`);
  return (await res.text()).replace(/"/g, '');
}

/** Minimal raw-socket producer on src/wire: CONNECT, PRODUCER, then each SEND awaiting its receipt. */
async function produceWithStrobeWire(topic: string, sends: { command: BaseCommand; metadata: Parameters<typeof encodePayloadCommand>[1]; payload: Buffer }[]): Promise<void> {
  const socket = createConnection({ host: brokerUrl.hostname, port: Number(brokerUrl.port || 6650) });
  const waiting: ((f: DecodedFrame) => void)[] = [];
  const decoder = new FrameDecoder({ onFrame: (f) => waiting.shift()?.(f) });
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  const next = (): Promise<DecodedFrame> => new Promise((resolve) => waiting.push(resolve));
  const expect = async (type: CommandType): Promise<DecodedFrame> => {
    const frame = await next();
    if (frame.command.type !== type) throw new Error(`expected ${CommandType[type]}, got ${JSON.stringify(frame.command)}`);
    return frame;
  };
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(encodeCommand({ type: CommandType.CONNECT, connect: { clientVersion: 'strobe-wire-interop', protocolVersion: PROTOCOL_VERSION } }));
  await expect(CommandType.CONNECTED);
  socket.write(encodeCommand({ type: CommandType.PRODUCER, producer: { topic, producerId: 0, requestId: 1 } }));
  await expect(CommandType.PRODUCER_SUCCESS);
  for (const s of sends) {
    socket.write(encodePayloadCommand(s.command, s.metadata, s.payload));
    await expect(CommandType.SEND_RECEIPT);
  }
  socket.destroy();
}

/** src/wire encodes batches in every codec; the official client must read every message back. */
async function interop(): Promise<void> {
  const topic = `persistent://public/default/strobe-wire-interop-${Date.now().toString(36)}`;
  const values: { key: string; value: Buffer }[] = [];
  const sends: Parameters<typeof produceWithStrobeWire>[1] = [];
  const shapes = [
    (i: number) => Buffer.from(`card-${i} spent 12.50 at merchant m-7; `.repeat(30)),
    (i: number) => Buffer.concat([randomBytes(70_000), Buffer.alloc(90_000, i)]),
    () => randomBytes(13),
    () => Buffer.alloc(0),
  ];
  let sequenceId = 0;
  for (const type of [CompressionType.NONE, CompressionType.LZ4, CompressionType.ZLIB, CompressionType.ZSTD, CompressionType.SNAPPY]) {
    for (const shape of shapes) {
      const entries = [0, 1, 2].map((i) => ({ metadata: { partitionKey: `k-${sequenceId + i}`, sequenceId: sequenceId + i }, payload: shape(i) }));
      for (const e of entries) values.push({ key: e.metadata.partitionKey, value: e.payload });
      const batch = encodeBatch(entries);
      const packed = compress(type, batch);
      const metadata = {
        producerName: 'strobe-wire-interop',
        sequenceId,
        publishTime: Date.now(),
        partitionKey: entries[0]!.metadata.partitionKey,
        numMessagesInBatch: 3,
        ...(type === CompressionType.NONE ? {} : { compression: type, uncompressedSize: batch.length }),
      };
      sends.push({ command: { type: CommandType.SEND, send: { producerId: 0, sequenceId, numMessages: 3 } }, metadata, payload: packed });
      sequenceId += 3;
    }
  }
  await produceWithStrobeWire(topic, sends);
  const result = await runPython({ scenario: 'read-all', url: brokerUrl.href, topic, expect: values.length });
  const received = result.received as { sha256: string; key: string }[];
  const expected = values.map((v) => ({ sha256: createHash('sha256').update(v.value).digest('hex'), key: v.key }));
  const bad = expected.filter((e, i) => received[i]?.sha256 !== e.sha256 || received[i]?.key !== e.key);
  console.log(`interop: ${values.length} messages in ${sends.length} batches (5 codecs) written by src/wire, ${received.length} read by the Python client, ${bad.length} differ`);
  if (bad.length > 0 || received.length !== values.length) process.exitCode = 1;
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const stamp = Date.now().toString(36);
  const topic = `persistent://public/default/strobe-golden-${stamp}`;
  const avroTopic = `persistent://public/default/strobe-golden-avro-${stamp}`;
  const version = await brokerVersion();
  const proxy = await startProxy();
  const batchScenarios = ['none', 'lz4', 'zlib', 'zstd', 'snappy'].map((c) => `produce-batch-${c}`);
  const scenarios: [string, Record<string, unknown>][] = [
    ['produce-single', { topic, producerName: 'golden-single' }],
    ...batchScenarios.map((s): [string, Record<string, unknown>] => [s, { topic, producerName: `golden-${s.slice(14)}` }]),
    ['produce-avro', { topic: avroTopic, producerName: 'golden-avro' }],
    ['consume', { topic, subscription: `golden-sub-${stamp}`, expect: 1 + 3 * batchScenarios.length }],
  ];
  try {
    for (const [scenario, args] of scenarios) {
      frames = [];
      connections = 0;
      const result = await runPython({ ...args, scenario, url: proxy.url });
      const file = join(outDir, `${scenario}.json`);
      const fixture = {
        scenario,
        recordedWith: { broker: `Apache Pulsar ${version} (standalone)`, client: 'pulsar-client 3.13.0 (Python, PyPI)' },
        note: 'frames as they crossed a TCP proxy; LOOKUP_RESPONSE frames are the broker originals',
        ...result,
        frames,
      };
      writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
      const counts = frames.map((f) => `${f.dir === 'client->broker' ? '>' : '<'}${f.type}`).join(' ');
      console.log(`${scenario}: ${frames.length} frames: ${counts}`);
    }
  } finally {
    await proxy.close();
  }
}

if (process.argv.includes('--interop')) await interop();
else await main();
