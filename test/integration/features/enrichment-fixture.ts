// Fixtures for the feature store tests: Redis (the shared one from STROBE_REDIS_URL, or a private
// redis-server a test can stop and start), a function with featureSources/streamFeatures whose output
// carries the enriched fields, and the brute-force reference of the velocity features.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import type { FunctionConfig } from '../../../src/config/function-config.js';
import { waitFor } from '../../helpers/pulsar.js';
import { scriptedFunctionYaml, writeFunctionDir } from '../../helpers/test-function.js';

export function sharedRedisUrl(): string {
  const url = process.env.STROBE_REDIS_URL;
  if (!url) throw new Error('STROBE_REDIS_URL is not set: run these tests with `node scripts/run-tests.mjs` (it starts redis-server) or point it at a Redis');
  return url;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
    s.on('error', reject);
  });
}

/** A redis-server of this test only (append-only file, so its data survives a stop and start). */
export class PrivateRedis {
  readonly url: string;
  private readonly port: number;
  private readonly dir: string;

  private constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
    this.url = `redis://127.0.0.1:${port}`;
  }

  static async start(): Promise<PrivateRedis> {
    // Two tests may be handed the same free port at once; the loser's server cannot bind and exits
    // after daemonizing, so check that the server answering is ours.
    for (let attempt = 0; ; attempt++) {
      const r = new PrivateRedis(await freePort(), mkdtempSync(join(tmpdir(), 'strobe-redis-test-')));
      await r.start(false);
      if (r.isOurs()) return r;
      if (attempt >= 4) throw new Error('could not start a private redis-server on a port of its own');
    }
  }

  /** The server on our port is the one our pid file names. */
  private isOurs(): boolean {
    const m = /^process_id:(\d+)/m.exec(this.cli('info', 'server'));
    try {
      return m?.[1] !== undefined && readFileSync(join(this.dir, 'pid'), 'utf8').trim() === m[1];
    } catch {
      return false;
    }
  }

  /** Starts (again) on this port; `strict: false` leaves the check to isOurs (the port may be taken). */
  async start(strict = true): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--daemonize', 'yes', '--pidfile', join(this.dir, 'pid'), '--dir', this.dir, '--logfile', join(this.dir, 'log'), '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'];
    const res = spawnSync('redis-server', args, { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`redis-server did not start (is Debian's redis-server installed? .ci/run installs it): ${res.stderr || res.error?.message}`);
    await waitFor(() => this.cli('ping').trim() === 'PONG' && existsSync(join(this.dir, 'pid')), { what: 'redis-server up', timeoutMs: 10_000, intervalMs: 20 }).catch((err: unknown) => {
      if (strict) throw err;
    });
  }

  /** SHUTDOWN (the append-only file keeps the data). */
  async stop(): Promise<void> {
    this.cli('shutdown');
    await waitFor(() => spawnSync('redis-cli', ['-p', String(this.port), 'ping']).status !== 0, { what: 'redis-server down', timeoutMs: 10_000, intervalMs: 20 });
  }

  cli(...args: string[]): string {
    return spawnSync('redis-cli', ['-p', String(this.port), ...args], { encoding: 'utf8' }).stdout ?? '';
  }

  /** Calls of a command since the last CONFIG RESETSTAT, from INFO commandstats. */
  calls(command: string): number {
    const m = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(this.cli('info', 'commandstats'));
    return m?.[1] === undefined ? 0 : Number(m[1]);
  }

  async close(): Promise<void> {
    try {
      process.kill(Number(readFileSync(join(this.dir, 'pid'), 'utf8').trim()));
    } catch {
      // Already stopped.
    }
  }
}

export const TX = {
  type: 'record', name: 'Tx', namespace: 'dev.strobe.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'card', type: 'string' },
    { name: 'merchant', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'event_time', type: 'long' },
  ],
};

const nullableDouble = { type: ['null', 'double'], default: null };
export const ENRICHED_SCORE = {
  type: 'record', name: 'EnrichedScore', namespace: 'dev.strobe.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'card', type: 'string' },
    { name: 'score', type: 'double' },
    { name: 'merchant_risk', ...nullableDouble },
    { name: 'card_avg', ...nullableDouble },
    { name: 'n1m', ...nullableDouble },
    { name: 'n1h', ...nullableDouble },
    { name: 'sum1h', ...nullableDouble },
    { name: 'max1m', ...nullableDouble },
    { name: 'mean1h', ...nullableDouble },
    { name: 'gap_s', ...nullableDouble },
    { name: 'model_name', type: 'string' },
    { name: 'model_version', type: 'string' },
    { name: 'event_time', type: 'long' },
    { name: 'scored_at', type: 'long' },
    { name: 'scoring_latency_ms', type: 'double' },
    { name: 'feature_age_ms', ...nullableDouble },
  ],
};
export const txType = avro.Type.forSchema(TX as avro.Schema);
export const scoreType = avro.Type.forSchema(ENRICHED_SCORE as avro.Schema);

export interface Tx { id: string; card: string; merchant: string; amount: number; event_time: number }
export interface EnrichedScore extends Tx {
  score: number; merchant_risk: number | null; card_avg: number | null; n1m: number | null; n1h: number | null; sum1h: number | null;
  max1m: number | null; mean1h: number | null; gap_s: number | null; feature_age_ms: number | null;
}

export const STREAM_FEATURES = [
  {
    name: 'velocity', key: 'card', idField: 'id',
    features: [
      { as: 'n1m', agg: 'count', window: '1m' },
      { as: 'n1h', agg: 'count', window: '1h' },
      { as: 'sum1h', agg: 'sum', field: 'amount', window: '1h' },
      { as: 'max1m', agg: 'max', field: 'amount', window: '1m' },
      { as: 'mean1h', agg: 'mean', field: 'amount', window: '1h' },
      { as: 'gap_s', agg: 'timeSincePrevious', unit: '1s', default: -1 },
    ],
  },
];

export interface EnrichedFunctionOptions {
  readonly name: string;
  readonly input: string;
  readonly output: string;
  readonly featureSources?: unknown;
  readonly streamFeatures?: unknown;
  readonly extra?: Record<string, unknown>;
}

/** A function (scripted model: score = amount / 1000) whose outputs copy the enriched fields. */
export function writeEnrichedFunction(o: EnrichedFunctionOptions): FunctionConfig {
  const copied = ['merchant_risk', 'card_avg', 'n1m', 'n1h', 'sum1h', 'max1m', 'mean1h', 'gap_s'].filter((f) => JSON.stringify([o.featureSources, o.streamFeatures]).includes(`"${f}"`));
  return writeFunctionDir(o.name, { 'tx.avsc': TX, 'score.avsc': ENRICHED_SCORE }, {
    ...scriptedFunctionYaml(o.name, o.input, o.output),
    schemas: { input: 'tx.avsc', output: 'score.avsc' },
    outputs: {
      id: { kind: 'field' },
      card: { kind: 'field' },
      score: { kind: 'score', output: 'score', index: 0 },
      ...Object.fromEntries(copied.map((f) => [f, { kind: 'field' }])),
    },
    ...(o.featureSources === undefined ? {} : { featureSources: o.featureSources }),
    ...(o.streamFeatures === undefined ? {} : { streamFeatures: o.streamFeatures }),
    ...o.extra,
  }).config;
}

/** Velocity features straight from their definition, over every event of the card up to this one. */
export function bruteForceVelocity(all: readonly Tx[], e: Tx): Record<string, number> {
  const before = all.filter((x) => x.card === e.card && (x.event_time < e.event_time || (x.event_time === e.event_time && x.id <= e.id)));
  const within = (ms: number): Tx[] => before.filter((x) => x.event_time > e.event_time - ms);
  const h = within(3_600_000);
  const m = within(60_000);
  const prev = before.filter((x) => x.id !== e.id).sort((a, b) => a.event_time - b.event_time).pop();
  return {
    n1m: m.length,
    n1h: h.length,
    sum1h: h.reduce((s, x) => s + x.amount, 0),
    max1m: Math.max(...m.map((x) => x.amount)),
    mean1h: h.reduce((s, x) => s + x.amount, 0) / h.length,
    gap_s: prev === undefined ? -1 : (e.event_time - prev.event_time) / 1000,
  };
}

/** Transactions of `cards` cards in event-time order, gaps from a second to tens of minutes. */
export function transactions(n: number, cards: number, runId: string, seed = 1): Tx[] {
  let s = seed >>> 0;
  const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  let t = 1_709_510_400_000;
  const out: Tx[] = [];
  for (let i = 0; i < n; i++) {
    t += 1 + Math.floor(rnd() < 0.9 ? rnd() * 5_000 : rnd() * 600_000);
    out.push({ id: `${runId}-t${i}`, card: `${runId}-c${Math.floor(rnd() * cards)}`, merchant: `m${Math.floor(rnd() * 12)}`, amount: Math.round(rnd() * 100_000) / 100, event_time: t });
  }
  return out;
}

export { collect } from '../../helpers/client.js';
