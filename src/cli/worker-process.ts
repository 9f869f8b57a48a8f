import type { ClientLogger } from '../client/logger.js';
import type { FunctionConfig } from '../config/function-config.js';
import type { WorkerConfig } from '../config/worker-config.js';
import { readFunctionLag } from '../deploy/subscription-lag.js';
import { workerAdmin } from '../deploy/worker-admin.js';
import { startBacklogPoller, type BacklogPoller } from '../metrics/backlog-poller.js';
import { startHealthServer, type HealthServer } from '../metrics/health-server.js';
import { ReadinessRegistry } from '../metrics/readiness.js';
import { StrobeMetrics } from '../metrics/strobe-metrics.js';
import type { RunnerObserver } from '../pipeline/runner-observer.js';
import { Worker } from '../pipeline/worker.js';
import type { BatchEnricher } from '../pipeline/batch-enricher.js';
import { createFeatureEnricher } from '../features/store/create-feature-enricher.js';

/** A worker with its metrics, /healthz + /readyz server and backlog poller: what `strobe run` and the demo start. */
export interface WorkerProcess {
  readonly worker: Worker;
  readonly metrics: StrobeMetrics;
  readonly readiness: ReadinessRegistry;
  readonly health: HealthServer | undefined;
  stop(): Promise<void>;
}

export interface WorkerProcessOptions {
  /** Serve /metrics, /healthz, /readyz on config.metrics. @default true */
  readonly serveHttp?: boolean;
  /** @default 15000 */
  readonly backlogIntervalMs?: number;
}

export async function startWorkerProcess(
  config: WorkerConfig,
  functions: readonly FunctionConfig[],
  log: ClientLogger,
  opts: WorkerProcessOptions = {},
): Promise<WorkerProcess> {
  const metrics = new StrobeMetrics({ processMetrics: true });
  const readiness = new ReadinessRegistry();
  for (const f of functions) readiness.register(`function:${f.name}`);
  const observerFor = (fn: FunctionConfig): RunnerObserver => {
    const m = metrics.forFunction(fn.name);
    // The function metrics, with state changes also driving /readyz.
    return Object.assign(Object.create(m) as RunnerObserver, {
      state(s: string): void {
        m.state(s);
        readiness.set(`function:${fn.name}`, s === 'RUNNING', s === 'RUNNING' ? undefined : `state ${s}`);
      },
    });
  };
  const health = opts.serveHttp === false ? undefined : await startHealthServer({
    registry: metrics.registry,
    readiness,
    port: config.metrics.port,
    host: config.metrics.host,
    onError: (e) => log.warn({ err: (e as Error).message }, 'metrics rendering failed'),
  });
  // Functions with featureSources / streamFeatures: their Redis connection is part of readiness.
  const enrichers = new Map<string, BatchEnricher>();
  for (const f of functions) {
    if (f.enrichment === undefined) continue;
    const component = `featureStore:${f.name}`;
    readiness.register(component, 'connecting to the feature store');
    const enricher = await createFeatureEnricher({
      functionName: f.name,
      spec: f.enrichment,
      store: config.featureStore,
      observer: metrics.forFunction(f.name),
      onReadyChange: (ready) => readiness.set(component, ready, ready ? undefined : 'feature store (Redis) unreachable'),
    });
    if (enricher !== undefined) enrichers.set(f.name, enricher);
  }
  const worker = new Worker(config, functions, { logger: log, observerFor, enricherFor: (fn) => enrichers.get(fn.name) });
  const admin = workerAdmin(config);
  let poller: BacklogPoller | undefined;
  try {
    await worker.start();
    poller = startBacklogPoller({
      metrics,
      intervalMs: opts.backlogIntervalMs ?? 15_000,
      onError: (e) => log.debug({ err: (e as Error).message }, 'backlog poll failed'),
      read: async () => {
        // One function's missing topic must not hide the others' backlog: read each on its own.
        const lags = await Promise.allSettled(functions.map((f) => readFunctionLag(admin, f)));
        return lags.flatMap((r) =>
          r.status === 'fulfilled'
            ? r.value.topics.map((t) => ({ function: r.value.function, topic: t.topic, subscription: r.value.subscription, backlog: t.backlog }))
            : [],
        );
      },
    });
  } catch (err) {
    await health?.close();
    throw err;
  }
  return {
    worker,
    metrics,
    readiness,
    health,
    async stop(): Promise<void> {
      await poller?.stop();
      try {
        await worker.drain();
      } finally {
        await health?.close();
      }
    },
  };
}
