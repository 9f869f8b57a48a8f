import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminError, type SubscriptionStats, type TopicStats } from '../../../src/client/admin.js';
import { StrobeError, ConfigError } from '../../../src/errors.js';
import { formatLag, readFunctionLag, type LagAdmin } from '../../../src/deploy/subscription-lag.js';
import { resolvePartitioning } from '../../../src/deploy/topic-partitioning.js';
import { writeTestFunction } from '../../helpers/test-function.js';

const A = 'persistent://public/default/lag-a';
const B = 'persistent://public/default/lag-b';

function sub(backlog: number, unacked: number, redeliver: number, consumers: number, type = 'Key_Shared'): SubscriptionStats {
  return { msgBacklog: backlog, unackedMessages: unacked, msgRateRedeliver: redeliver, msgRateOut: 0, type, consumers: Array.from({ length: consumers }, (_, i) => ({ consumerName: `c${i}` })) };
}

function stats(subscriptions: Record<string, SubscriptionStats>, partitions?: Record<string, TopicStats>): TopicStats {
  return { msgInCounter: 0, publishers: [], subscriptions, ...(partitions === undefined ? {} : { partitions }) };
}

/** An admin double: topics by name (partition count and stats), 404 for the others; records subscription creation. */
class FakeAdmin implements LagAdmin {
  readonly created: [string, string, string][] = [];
  constructor(private readonly topics: Map<string, { partitions: number; stats: TopicStats }>, private readonly onCreate?: (topic: string, sub: string) => void) {}
  async partitions(topic: string): Promise<number> {
    // As Pulsar 4 answers for a topic that does not exist.
    const t = this.topics.get(topic);
    if (t === undefined) throw new AdminError(404, 'GET', `/admin/v2/${topic}/partitions`, 'Topic not found');
    return t.partitions;
  }
  async topicStats(topic: string): Promise<TopicStats> {
    const t = this.topics.get(topic);
    if (t === undefined || t.partitions > 0) throw new AdminError(404, 'GET', `/admin/v2/${topic}/stats`, 'Topic not found');
    return t.stats;
  }
  async partitionedStats(topic: string, perPartition = false): Promise<TopicStats> {
    const t = this.topics.get(topic);
    if (t === undefined || t.partitions === 0) throw new AdminError(404, 'GET', `/admin/v2/${topic}/partitioned-stats`, 'Partitioned topic not found');
    if (perPartition) return t.stats;
    const { partitions: _omit, ...aggregate } = t.stats;
    return aggregate;
  }
  async createSubscription(topic: string, subscription: string, position: 'earliest' | 'latest' = 'earliest'): Promise<void> {
    this.created.push([topic, subscription, position]);
    this.onCreate?.(topic, subscription);
  }
}

function fn(extra: Record<string, unknown> = {}) {
  return writeTestFunction({ name: 'lagged', input: A, output: 'persistent://public/default/lag-out', extra: { inputs: [A, B], subName: 'scorers', ...extra } }).config;
}

describe('strobe lag: subscription figures', () => {
  it('reads backlog, unacked, redelivery rate and consumers per input, partitioned ones aggregated, with per-partition detail', async () => {
    const f = fn();
    const partition = (i: number, backlog: number): [string, TopicStats] => [`${B}-partition-${i}`, stats({ scorers: sub(backlog, 1, 0.5, 1) })];
    const admin = new FakeAdmin(
      new Map([
        [A, { partitions: 0, stats: stats({ scorers: sub(120, 7, 1.25, 2), other: sub(9999, 0, 0, 0) }) }],
        // Aggregate figures as the broker reports them, and partitions listed out of order.
        [B, { partitions: 3, stats: stats({ scorers: sub(60, 3, 1.5, 3) }, Object.fromEntries([partition(2, 30), partition(0, 10), partition(1, 20)])) }],
      ]),
    );
    const lag = await readFunctionLag(admin, f, { perPartition: true });
    assert.equal(lag.subscription, 'scorers');
    const [a, b] = lag.topics;
    assert.deepEqual(a, { topic: A, partitions: 0, exists: true, subscriptionExists: true, subscriptionType: 'Key_Shared', backlog: 120, unacked: 7, redeliveryRate: 1.25, consumers: 2 });
    assert.equal(b?.partitions, 3);
    assert.equal(b?.backlog, 60);
    assert.deepEqual(b?.partitionDetail?.map((p) => [p.topic, p.backlog]), [[`${B}-partition-0`, 10], [`${B}-partition-1`, 20], [`${B}-partition-2`, 30]]);
    assert.deepEqual(lag.total, { backlog: 180, unacked: 10, redeliveryRate: 2.75, consumers: 5 });
    const noDetail = await readFunctionLag(admin, f);
    assert.equal(noDetail.topics[1]?.partitionDetail, undefined);

    const text = formatLag([lag]);
    assert.match(text, /^lagged {2}subscription scorers \(Key_Shared\)$/m);
    assert.match(text, new RegExp(`^${A}\\s+-\\s+120\\s+7\\s+1\\.3\\s+2$`, 'm'));
    assert.match(text, /^ {2}lag-b-partition-2\s+30\s+1\s+0\.5\s+1$/m);
    assert.match(text, /^total\s+180\s+10\s+2\.8\s+5$/m);
  });

  it('reports a missing topic and a missing subscription, and creates the subscription at the function position when asked', async () => {
    const topics = new Map([[A, { partitions: 0, stats: stats({}) }]]);
    const admin = new FakeAdmin(topics, (topic, s) => {
      topics.set(topic, { partitions: 0, stats: stats({ [s]: sub(42, 0, 0, 0) }) });
    });
    const f = fn({ subscriptionPosition: 'Latest' });
    const before = await readFunctionLag(admin, f);
    assert.deepEqual(before.topics.map((t) => [t.exists, t.subscriptionExists, t.backlog]), [[true, false, 0], [false, false, 0]]);
    assert.equal(admin.created.length, 0, 'reading never creates');
    const text = formatLag([before]);
    assert.match(text, /no subscription "scorers" on persistent:\/\/public\/default\/lag-a yet.*--ensure-subscriptions/);
    assert.match(text, /lag-b does not exist yet/);

    const after = await readFunctionLag(admin, f, { ensureSubscriptions: true });
    assert.deepEqual(admin.created, [[A, 'scorers', 'latest'], [B, 'scorers', 'latest']]);
    assert.equal(after.topics[0]?.created, true);
    assert.equal(after.topics[0]?.backlog, 42);
    assert.equal(fn().subscriptionPosition, 'Earliest');
  });

  it('lets admin failures other than "not found" through', async () => {
    const admin = new FakeAdmin(new Map());
    admin.partitions = async () => {
      throw new AdminError(401, 'GET', '/admin/v2/persistent/public/default/lag-a/partitions', 'Unauthorized');
    };
    await assert.rejects(readFunctionLag(admin, fn()), (e: unknown) => e instanceof AdminError && e.status === 401);
  });
});

describe('deploy: whether inputs are partitioned', () => {
  it('asks the admin API, warning about inputs that do not exist yet', async () => {
    const admin = new FakeAdmin(new Map([[A, { partitions: 0, stats: stats({}) }], [B, { partitions: 4, stats: stats({}) }]]));
    const r = await resolvePartitioning(fn(), { kind: 'admin', admin, adminUrl: 'http://broker:8080' });
    assert.deepEqual(r.partitioning, { [A]: false, [B]: true });
    assert.deepEqual(r.partitions, { [A]: 0, [B]: 4 });
    assert.deepEqual(r.warnings, []);
    const missing = await resolvePartitioning(fn(), { kind: 'admin', admin: new FakeAdmin(new Map()), adminUrl: 'http://broker:8080' });
    assert.equal(missing.warnings.length, 2);
    assert.match(missing.warnings[0] ?? '', /lag-a does not exist yet: assumed non-partitioned/);
  });

  it('says how to go offline when the admin API cannot be reached', async () => {
    const admin = new FakeAdmin(new Map());
    admin.partitions = async () => {
      throw new StrobeError('ADMIN_UNREACHABLE', 'connect ECONNREFUSED', { retriable: true });
    };
    await assert.rejects(resolvePartitioning(fn(), { kind: 'admin', admin, adminUrl: 'http://10.0.0.1:8080' }), (e: unknown) => e instanceof StrobeError && /--partitioned, --no-partitioned or --partitioned-topics/.test(e.message));
  });

  it('takes the answer from flags: all, none, or listed inputs by short or full name', async () => {
    assert.deepEqual((await resolvePartitioning(fn(), { kind: 'all', partitioned: true })).partitioning, { [A]: true, [B]: true });
    assert.deepEqual((await resolvePartitioning(fn(), { kind: 'all', partitioned: false })).partitioning, { [A]: false, [B]: false });
    assert.deepEqual((await resolvePartitioning(fn(), { kind: 'listed', topics: ['lag-b'] })).partitioning, { [A]: false, [B]: true });
    assert.deepEqual((await resolvePartitioning(fn(), { kind: 'listed', topics: [A] })).partitioning, { [A]: true, [B]: false });
    await assert.rejects(resolvePartitioning(fn(), { kind: 'listed', topics: ['elsewhere'] }), (e: unknown) => e instanceof ConfigError && /not an input/.test(e.message));
  });
});
