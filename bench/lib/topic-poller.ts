import { AdminError, type PulsarAdmin } from '../../src/client/admin.js';
import { restPath } from '../../src/client/topic-name.js';

/** One reading of the broker's counters for a topic (and one subscription of it). */
export interface TopicCounterSample {
  readonly atMs: number;
  /** Messages the broker has taken in on the topic. */
  readonly msgIn: number;
  /** Messages dispatched to the subscription's consumers. */
  readonly msgOut: number;
  /** Subscription backlog (entries not yet acknowledged), -1 while the subscription does not exist. */
  readonly backlog: number;
}

interface RawStats {
  readonly msgInCounter?: number;
  readonly subscriptions?: Readonly<Record<string, { readonly msgOutCounter?: number; readonly msgBacklog?: number }>>;
}

/**
 * Polls topic stats over the admin REST API, one request at a time, so the broker's own view of a run
 * (first message in → N-th message in; first dispatch → N-th dispatch) can be timed the same way for every
 * client, independent of what the client says about itself.
 */
export class TopicPoller {
  private readonly admin: PulsarAdmin;
  private readonly topic: string;
  private readonly subscription: string | undefined;
  private readonly intervalMs: number;
  private readonly samples: TopicCounterSample[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(admin: PulsarAdmin, topic: string, subscription: string | undefined, intervalMs = 50) {
    this.admin = admin;
    this.topic = topic;
    this.subscription = subscription;
    this.intervalMs = intervalMs;
    this.loop = this.run();
  }

  /** Reads the counters once now. */
  async read(): Promise<TopicCounterSample> {
    const atMs = Date.now();
    let raw: RawStats = {};
    try {
      const { text } = await this.admin.request('GET', `/admin/v2/${restPath(this.topic)}/stats`);
      raw = JSON.parse(text) as RawStats;
    } catch (err) {
      // The topic does not exist until the client creates it.
      if (!(err instanceof AdminError && err.status === 404)) throw err;
    }
    const sub = this.subscription === undefined ? undefined : raw.subscriptions?.[this.subscription];
    return { atMs, msgIn: raw.msgInCounter ?? 0, msgOut: sub?.msgOutCounter ?? 0, backlog: sub ? (sub.msgBacklog ?? 0) : -1 };
  }

  /** The samples so far (the last is the newest), while polling goes on. */
  get current(): readonly TopicCounterSample[] {
    return this.samples;
  }

  /** Stops polling, takes one last reading and returns every sample. */
  async stop(): Promise<readonly TopicCounterSample[]> {
    this.running = false;
    await this.loop;
    this.samples.push(await this.read());
    return this.samples;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        this.samples.push(await this.read());
      } catch {
        /* a failed poll leaves a gap; the window is computed from the samples there are */
      }
      await new Promise((r) => setTimeout(r, this.intervalMs));
    }
  }
}

/**
 * When `value` first reached `threshold`, interpolated linearly between the two samples around the
 * crossing (resolution: the polling interval). Undefined if it never did.
 */
export function crossingTimeMs(
  samples: readonly TopicCounterSample[],
  value: (s: TopicCounterSample) => number,
  threshold: number,
): number | undefined {
  for (let i = 0; i < samples.length; i++) {
    const b = samples[i] as TopicCounterSample;
    const vb = value(b);
    if (vb < threshold) continue;
    const a = samples[i - 1];
    if (!a) return b.atMs;
    const va = value(a);
    return vb === va ? b.atMs : a.atMs + ((b.atMs - a.atMs) * (threshold - va)) / (vb - va);
  }
  return undefined;
}

/** The broker-side window from the first unit of `value` to the `n`-th, in ms (undefined if incomplete). */
export function brokerWindow(
  samples: readonly TopicCounterSample[],
  value: (s: TopicCounterSample) => number,
  n: number,
): { startMs: number; endMs: number } | undefined {
  const base = samples[0] ? value(samples[0]) : 0;
  const startMs = crossingTimeMs(samples, value, base + 1);
  const endMs = crossingTimeMs(samples, value, base + n);
  return startMs === undefined || endMs === undefined ? undefined : { startMs, endMs };
}
