/**
 * Polls subscription backlogs (from the admin API, through the `read` function given) and exports them
 * as strobe_subscription_backlog. Polling on a timer instead of at scrape time keeps /metrics fast when
 * the admin API is slow, and is what KEDA-style autoscaling reads anyway.
 */
import { systemScheduler, type Scheduler, type TimerHandle } from '../pipeline/scheduler.js';
import type { StrobeMetrics } from './strobe-metrics.js';

export interface BacklogSample {
  readonly function: string;
  readonly topic: string;
  readonly subscription: string;
  /** Messages not yet acknowledged (the admin API's msgBacklog). */
  readonly backlog: number;
}

export interface BacklogPollerOptions {
  readonly metrics: StrobeMetrics;
  readonly read: () => Promise<readonly BacklogSample[]>;
  /** @default 15000 */
  readonly intervalMs?: number;
  /** A failed poll keeps the last values; the error goes here. */
  readonly onError?: (error: unknown) => void;
  readonly scheduler?: Scheduler;
}

export interface BacklogPoller {
  /** Polls now (also the first poll, started at creation). */
  poll(): Promise<void>;
  stop(): Promise<void>;
}

export function startBacklogPoller(options: BacklogPollerOptions): BacklogPoller {
  const scheduler = options.scheduler ?? systemScheduler;
  const interval = options.intervalMs ?? 15000;
  let timer: TimerHandle | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const once = async (): Promise<void> => {
    try {
      for (const s of await options.read()) {
        options.metrics.subscriptionBacklog.labels({ function: s.function, topic: s.topic, subscription: s.subscription }).set(s.backlog);
      }
    } catch (e) {
      options.onError?.(e);
    }
  };
  const poll = (): Promise<void> => {
    running = running.then(once);
    return running;
  };
  const tick = (): void => {
    if (stopped) return;
    void poll().then(() => {
      if (!stopped) timer = scheduler.setTimer(tick, interval);
    });
  };
  tick();
  return {
    poll,
    async stop() {
      stopped = true;
      if (timer !== undefined) scheduler.clearTimer(timer);
      await running;
    },
  };
}
