/**
 * The Redis side of enrichment: one script call (EVALSHA) reads every entity hash and every in-stream
 * state a micro-batch needs — one round trip, one command, an atomic snapshot; one more writes the
 * batch's new states back with a version check.
 *
 * Layout (see src/features/store/README.md):
 *  - entity hash `<entity key>` (e.g. `card:card-0000042`): field `<feature>` holds the value as text,
 *    field `<feature>@ts` its update time in epoch ms; `@ts` alone is the time of the whole entity,
 *    used for features without their own.
 *  - state hash `strobe:state:<function>:<group>:<key>`: `v` version (incremented per write), `s` the
 *    RollingState JSON; expires after `stateTtlMs` without writes.
 */
import { Redis } from 'ioredis';
import { FeatureStoreUnavailableError } from '../../errors.js';

export const TS_SUFFIX = '@ts';
export const ENTITY_TS_FIELD = '@ts';
const STATE_FIELDS: readonly string[] = ['v', 's'];

export interface RedisFeatureStoreOptions {
  /** redis://[user:password@]host:port[/db] */
  readonly url: string;
  /** A command without a reply after this long fails (the store counts as unavailable). @default 1000 */
  readonly commandTimeoutMs?: number;
  /** @default 2000 */
  readonly connectTimeoutMs?: number;
}

export interface EntityRead {
  readonly key: string;
  /** Hash fields to read (values and their `@ts` fields). */
  readonly fields: readonly string[];
}

export interface StoredState {
  readonly version: number;
  readonly data: string | null;
}

export interface StateWrite {
  readonly key: string;
  /** The version read; the write happens only if the stored version still equals it. */
  readonly expectedVersion: number;
  readonly data: string;
  readonly ttlMs: number;
}

export interface ReadResult {
  readonly entities: readonly (readonly (string | null)[])[];
  readonly states: readonly StoredState[];
}

// HMGET of many hashes in one call. ARGV[1]: JSON list of field lists; ARGV[2]: JSON list, per key, of
// the 1-based index of its field list. Scripts are atomic, so the batch reads one consistent snapshot.
const READ_HASHES = `
local sets = cjson.decode(ARGV[1])
local which = cjson.decode(ARGV[2])
local out = {}
for i, k in ipairs(KEYS) do
  out[i] = redis.call('HMGET', k, unpack(sets[which[i]]))
end
return out`;

// Compare-and-set of many state hashes in one call; returns the 1-based indices that conflicted.
const CAS_STATES = `
local conflicts = {}
for i, k in ipairs(KEYS) do
  local cur = tonumber(redis.call('HGET', k, 'v') or '0')
  local base = 3 * (i - 1)
  if cur == tonumber(ARGV[base + 1]) then
    redis.call('HSET', k, 'v', cur + 1, 's', ARGV[base + 2])
    redis.call('PEXPIRE', k, ARGV[base + 3])
  else
    conflicts[#conflicts + 1] = i
  end
end
return conflicts`;

/** The scripts, registered with defineCommand (EVALSHA, EVAL when Redis does not know the script yet). */
interface ScriptCommands {
  strobeReadHashes(numKeys: number, ...args: (string | number)[]): Promise<((string | null)[] | null)[]>;
  strobeCasStates(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
}

/** Round trips and commands sent, for tests and the benchmark. */
export interface StoreStats {
  roundTrips: number;
  commands: number;
}

export class RedisFeatureStore {
  readonly stats: StoreStats = { roundTrips: 0, commands: 0 };
  private readonly redis: Redis;
  private readonly scripts: ScriptCommands;
  private readonly waiters = new Set<() => void>();
  private readonly readyListeners: ((ready: boolean) => void)[] = [];
  private wasReady = false;
  private closed = false;

  constructor(options: RedisFeatureStoreOptions) {
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      // Fail at once while disconnected rather than queue: the enricher decides (wait, retry, default).
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 1000,
      connectTimeout: options.connectTimeoutMs ?? 2000,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    });
    this.redis.defineCommand('strobeReadHashes', { lua: READ_HASHES, readOnly: true });
    this.redis.defineCommand('strobeCasStates', { lua: CAS_STATES });
    this.scripts = this.redis as unknown as ScriptCommands;
    this.redis.on('ready', () => {
      // A restarted Redis has an empty script cache: load the scripts, so calls stay single EVALSHAs.
      void Promise.all([READ_HASHES, CAS_STATES].map((lua) => this.redis.script('LOAD', lua))).catch(() => undefined);
      this.readyChanged(true);
      for (const w of [...this.waiters]) w();
    });
    this.redis.on('close', () => this.readyChanged(false));
    // Errors surface through the commands and `ready`; the listener keeps them off 'uncaughtException'.
    this.redis.on('error', () => undefined);
  }

  /** `listener` hears every change of `ready` (connected, lost). */
  onReadyChange(listener: (ready: boolean) => void): void {
    this.readyListeners.push(listener);
  }

  private readyChanged(ready: boolean): void {
    if (ready === this.wasReady) return;
    this.wasReady = ready;
    for (const l of this.readyListeners) l(ready);
  }

  /** Connects; resolves even if Redis is down then (it keeps reconnecting, `ready` tells). */
  async connect(): Promise<void> {
    await this.redis.connect().catch(() => undefined);
  }

  get ready(): boolean {
    return this.redis.status === 'ready';
  }

  /**
   * Resolves when the connection is ready, or after `timeoutMs`, or on close; returns whether it is
   * ready.
   */
  async waitReady(timeoutMs: number): Promise<boolean> {
    if (this.ready || this.closed) return this.ready;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
    return this.ready;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Reads entity hashes and state hashes in one script call: one round trip, one consistent snapshot. */
  async read(entities: readonly EntityRead[], stateKeys: readonly string[]): Promise<ReadResult> {
    if (entities.length === 0 && stateKeys.length === 0) return { entities: [], states: [] };
    // Entities of one source share their field list (the same array): send each list once.
    const sets: (readonly string[])[] = [];
    const setIndex = new Map<readonly string[], number>();
    const which: number[] = [];
    const keys: string[] = [];
    const index = (fields: readonly string[]): number => {
      let i = setIndex.get(fields);
      if (i === undefined) {
        sets.push(fields);
        setIndex.set(fields, (i = sets.length));
      }
      return i;
    };
    for (const e of entities) {
      keys.push(e.key);
      which.push(index(e.fields));
    }
    for (const k of stateKeys) {
      keys.push(k);
      which.push(index(STATE_FIELDS));
    }
    this.stats.roundTrips++;
    this.stats.commands++;
    let rows: ((string | null)[] | null)[];
    try {
      rows = await this.scripts.strobeReadHashes(keys.length, ...keys, JSON.stringify(sets), JSON.stringify(which));
    } catch (err) {
      throw this.unavailable('read', err);
    }
    const states = rows.slice(entities.length).map((r) => ({ version: r?.[0] == null ? 0 : Number(r[0]), data: r?.[1] ?? null }));
    return { entities: rows.slice(0, entities.length).map((r) => r ?? []), states };
  }

  /** Writes states whose stored version still matches, in one call; returns the keys that conflicted. */
  async writeStates(writes: readonly StateWrite[]): Promise<Set<string>> {
    if (writes.length === 0) return new Set();
    const args: (string | number)[] = [];
    for (const w of writes) args.push(w.expectedVersion, w.data, Math.max(1, Math.round(w.ttlMs)));
    this.stats.roundTrips++;
    this.stats.commands++;
    let conflicts: unknown;
    try {
      conflicts = await this.scripts.strobeCasStates(writes.length, ...writes.map((w) => w.key), ...args);
    } catch (err) {
      throw this.unavailable('state write', err);
    }
    return new Set((conflicts as number[]).map((i) => writes[i - 1]?.key ?? ''));
  }

  /** Writes entity features with their update time (the seeding script and tests use it). */
  async writeEntities(entities: readonly { key: string; values: Readonly<Record<string, string | number | boolean>>; updatedAt: number }[]): Promise<void> {
    const p = this.redis.pipeline();
    for (const e of entities) {
      const fields: Record<string, string> = { [ENTITY_TS_FIELD]: String(e.updatedAt) };
      for (const [k, v] of Object.entries(e.values)) {
        fields[k] = String(v);
        fields[k + TS_SUFFIX] = String(e.updatedAt);
      }
      p.hset(e.key, fields);
    }
    const replies = await p.exec();
    const failed = replies?.find(([err]) => err !== null);
    if (failed?.[0]) throw this.unavailable('write', failed[0]);
  }

  /** The underlying client (tests read INFO commandstats through it). */
  get client(): Redis {
    return this.redis;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.waiters]) w();
    // QUIT lets replies in flight arrive; when disconnected it fails at once (no offline queue).
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => undefined);
    this.redis.disconnect();
  }

  private unavailable(what: string, err: unknown): FeatureStoreUnavailableError {
    const message = err instanceof Error ? err.message : String(err);
    return new FeatureStoreUnavailableError(`feature store ${what} failed: ${message}`, { cause: err });
  }
}
