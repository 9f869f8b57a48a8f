// Enrichment benchmark: the latency a FeatureEnricher adds to one micro-batch, and the events per second
// it can enrich on one core, per batch size, against a real Redis on loopback.
//   npx tsx bench/enrichment.ts [--sizes 1,16,64,256,1024] [--events 20000] [--redis redis://...] [--no-write]
// Without --redis (or STROBE_REDIS_URL) a private redis-server is started on a free port and stopped after.
// Writes bench/results/enrichment-<date>.json and .md.
//
// Scenarios (generator transactions: 10k cards uniform, 6000 merchants):
//   lookups        merchant risk + card profile from Redis (2 sources, 1 feature + 2 features), no cache
//   lookups+cache  the same with a 60 s entity cache (merchants repeat, cards rarely)
//   stream         velocity of the card (count 1m / 1h, sum and max 1h, time since previous): read + write
//   both           lookups + stream (what fraud-scorer-fresh does)
// Each point enriches batches one after another (closed loop, like maxInflightBatches: 1) and reports
// per-batch wall time (mean, p50, p99), µs per event, events/s, and store round trips per batch.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnrichmentSpec } from '../src/features/store/enrichment-spec.js';
import { FeatureEnricher } from '../src/features/store/feature-enricher.js';
import { RedisFeatureStore } from '../src/features/store/redis-feature-store.js';
import { validateFeatureSources, validateStreamFeatures } from '../src/features/store/validate-enrichment-spec.js';
import { TransactionGenerator, type Transaction } from '../src/generator/transactions.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const sizes = (arg('sizes') ?? '1,16,64,256,1024').split(',').map(Number);
const eventsPerPoint = Number(arg('events') ?? 20_000);
const write = !process.argv.includes('--no-write');

const SOURCES = [
  { name: 'merchant', key: 'merchant:{merchant_id}', maxAgeMs: '1d', features: [{ name: 'risk', default: 0.05 }] },
  { name: 'card', key: 'card:{card_id}', maxAgeMs: '1d', features: [{ name: 'avg_amount', default: 50 }, { name: 'tx_per_day', default: 1 }] },
];
const STREAM = [
  {
    name: 'card', key: 'card_id', idField: 'transaction_id',
    features: [
      { as: 'n1m', agg: 'count', window: '1m' }, { as: 'n1h', agg: 'count', window: '1h' },
      { as: 'sum1h', agg: 'sum', field: 'amount', window: '1h' }, { as: 'max1h', agg: 'max', field: 'amount', window: '1h' },
      { as: 'gap_s', agg: 'timeSincePrevious', unit: '1s', default: -1 },
    ],
  },
];

function spec(sources: unknown[], stream: unknown[], cacheTtlMs = 0): EnrichmentSpec {
  const s = validateFeatureSources(sources.map((x) => ({ ...(x as object), ...(cacheTtlMs > 0 ? { cacheTtlMs } : {}) })));
  const g = validateStreamFeatures(stream);
  if (!s.value || !g.value) throw new Error(JSON.stringify([...s.errors, ...g.errors]));
  return { sources: s.value, stream: g.value };
}

const SCENARIOS: { name: string; spec: EnrichmentSpec }[] = [
  { name: 'lookups', spec: spec(SOURCES, []) },
  { name: 'lookups+cache', spec: spec(SOURCES, [], 60_000) },
  { name: 'stream', spec: spec([], STREAM) },
  { name: 'both', spec: spec(SOURCES, STREAM) },
];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function redisUrl(): Promise<{ url: string; stop: () => void }> {
  const given = arg('redis') ?? process.env.STROBE_REDIS_URL;
  if (given) return { url: given, stop: () => undefined };
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'strobe-bench-redis-'));
  const r = spawnSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'yes', '--pidfile', join(dir, 'pid'), '--dir', dir, '--save', '', '--appendonly', 'no', '--logfile', join(dir, 'log')]);
  if (r.status !== 0) throw new Error('redis-server did not start; pass --redis URL');
  return { url: `redis://127.0.0.1:${port}`, stop: () => process.kill(Number(readFileSync(join(dir, 'pid'), 'utf8').trim())) };
}

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;

interface Point { scenario: string; batchSize: number; batches: number; meanMs: number; p50Ms: number; p99Ms: number; usPerEvent: number; eventsPerSec: number; roundTripsPerBatch: number }

async function main(): Promise<void> {
  const redis = await redisUrl();
  const seedStore = new RedisFeatureStore({ url: redis.url });
  await seedStore.connect();
  const gen = new TransactionGenerator({ seed: 11, keyCount: 10_000 });
  const txs: Transaction[] = gen.batch(eventsPerPoint * 2);
  const now = Date.now();
  const merchants = [...new Set(txs.map((t) => t.merchant_id))];
  const cards = [...new Set(txs.map((t) => t.card_id))];
  for (let i = 0; i < merchants.length; i += 1000) await seedStore.writeEntities(merchants.slice(i, i + 1000).map((m, j) => ({ key: `merchant:${m}`, values: { risk: (j % 100) / 100 }, updatedAt: now })));
  for (let i = 0; i < cards.length; i += 1000) await seedStore.writeEntities(cards.slice(i, i + 1000).map((c, j) => ({ key: `card:${c}`, values: { avg_amount: 20 + (j % 80), tx_per_day: 1 + (j % 5) }, updatedAt: now })));
  await seedStore.client.eval("for _, k in ipairs(redis.call('KEYS', 'strobe:state:bench*')) do redis.call('DEL', k) end return 0", 0);

  const points: Point[] = [];
  for (const sc of SCENARIOS) {
    for (const size of sizes) {
      const store = new RedisFeatureStore({ url: redis.url, commandTimeoutMs: 5000 });
      await store.connect();
      const enricher = new FeatureEnricher({ functionName: `bench-${sc.name}-${size}`, spec: sc.spec, store });
      const batches = Math.max(10, Math.floor(eventsPerPoint / size));
      const warm = Math.min(5, batches);
      const times: number[] = [];
      let offset = 0;
      for (let b = 0; b < batches + warm; b++) {
        const rows = txs.slice(offset, offset + size).map((t) => [t]);
        offset = (offset + size) % (txs.length - size);
        const t0 = performance.now();
        await enricher.enrich(rows, []);
        if (b >= warm) times.push(performance.now() - t0);
      }
      const rt = store.stats.roundTrips;
      await enricher.close();
      const mean = times.reduce((s, x) => s + x, 0) / times.length;
      const p: Point = {
        scenario: sc.name, batchSize: size, batches, meanMs: mean, p50Ms: pct(times, 0.5), p99Ms: pct(times, 0.99),
        usPerEvent: (mean * 1000) / size, eventsPerSec: (size * 1000) / mean, roundTripsPerBatch: rt / (batches + warm),
      };
      points.push(p);
      console.log(`${sc.name.padEnd(14)} batch ${String(size).padStart(5)}: ${p.meanMs.toFixed(3)} ms/batch (p50 ${p.p50Ms.toFixed(3)}, p99 ${p.p99Ms.toFixed(3)}), ${p.usPerEvent.toFixed(1)} µs/event, ${Math.round(p.eventsPerSec)} events/s, ${p.roundTripsPerBatch.toFixed(2)} round trips/batch`);
    }
  }
  await seedStore.close();
  redis.stop();

  if (!write) return;
  const date = new Date().toISOString().slice(0, 10);
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const machine = { node: process.version, cores: cpus().length, cpu: cpus()[0]?.model, loadAverage1m: loadavg()[0] };
  writeFileSync(`${dir}enrichment-${date}.json`, `${JSON.stringify({ ...machine, eventsPerPoint, points }, null, 2)}\n`);
  const lines = [
    `# Enrichment cost per micro-batch (${date})`,
    '',
    `Node ${machine.node}, ${machine.cores} × ${machine.cpu}, load ${machine.loadAverage1m?.toFixed(2)} (shared machine), Redis on loopback.`,
    'Closed loop: one batch at a time. ms/batch is the latency enrichment adds before the model call; events/s is what one core enriches.',
    '',
    '| scenario | batch | ms/batch mean | p50 | p99 | µs/event | events/s | round trips/batch |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...points.map((p) => `| ${p.scenario} | ${p.batchSize} | ${p.meanMs.toFixed(3)} | ${p.p50Ms.toFixed(3)} | ${p.p99Ms.toFixed(3)} | ${p.usPerEvent.toFixed(1)} | ${Math.round(p.eventsPerSec)} | ${p.roundTripsPerBatch.toFixed(2)} |`),
    '',
  ];
  writeFileSync(`${dir}enrichment-${date}.md`, lines.join('\n'));
  console.log(`wrote bench/results/enrichment-${date}.{json,md}`);
}

await main();
