import { readFileSync } from 'node:fs';
import { tokenAuth } from '../client/auth.js';
import { PulsarClient } from '../client/client.js';
import type { ClientEventSink } from '../client/client-context.js';
import type { ClientLogger } from '../client/logger.js';
import type { FunctionConfig } from '../config/function-config.js';
import type { WorkerConfig } from '../config/worker-config.js';
import type { BatchEnricher } from './batch-enricher.js';
import { FunctionRunner, type RunnerState } from './function-runner.js';
import type { RunnerObserver } from './runner-observer.js';

export interface WorkerDeps {
  readonly logger: ClientLogger;
  /** Per-function observer (the metrics layer). */
  readonly observerFor?: (fn: FunctionConfig) => RunnerObserver;
  readonly clientEvents?: Partial<ClientEventSink>;
  /** Per-function enricher (featureSources / streamFeatures), if the function has one. */
  readonly enricherFor?: (fn: FunctionConfig) => BatchEnricher | undefined;
}

/** The Pulsar client options a worker config describes (auth and TLS included). */
export function clientOptionsFrom(config: WorkerConfig, logger: ClientLogger, events?: Partial<ClientEventSink>): ConstructorParameters<typeof PulsarClient>[0] {
  const auth = config.auth;
  return {
    serviceUrl: config.serviceUrl,
    logger,
    events,
    auth:
      auth.method === 'none'
        ? undefined
        : tokenAuth('token' in auth ? auth.token : () => readFileSync(auth.tokenFile, 'utf8')),
    tls: {
      ca: config.tls.trustCertsFile,
      cert: config.tls.certFile,
      key: config.tls.keyFile,
      allowInsecure: config.tls.allowInsecureConnection,
      hostnameVerification: config.tls.hostnameVerification,
    },
  };
}

/**
 * Several functions in one process, sharing one Pulsar client (so one connection per broker). Starts each
 * runner; `drain` stops them all within the worker's drain deadline.
 */
export class Worker {
  readonly client: PulsarClient;
  readonly runners: FunctionRunner[];
  private readonly config: WorkerConfig;
  private readonly log: ClientLogger;

  constructor(config: WorkerConfig, functions: readonly FunctionConfig[], deps: WorkerDeps) {
    this.config = config;
    this.log = deps.logger;
    this.client = new PulsarClient(clientOptionsFrom(config, deps.logger, deps.clientEvents));
    this.runners = functions.map(
      (fn) => new FunctionRunner(fn, { client: this.client, logger: deps.logger, observer: deps.observerFor?.(fn), enricher: deps.enricherFor?.(fn) }),
    );
  }

  /** Starts every function; rejects (after stopping the others) if one cannot start. */
  async start(): Promise<void> {
    const results = await Promise.allSettled(this.runners.map((r) => r.start()));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ name: this.runners[i]?.name, err: toError(r.reason) }] : []));
    if (failed.length > 0) {
      for (const f of failed) this.log.error({ function: f.name, err: f.err.message }, 'function failed to start');
      await this.drain().catch(() => undefined);
      throw failed[0]?.err ?? new Error('a function failed to start');
    }
  }

  get ready(): boolean {
    return this.runners.length > 0 && this.runners.every((r) => r.ready);
  }

  states(): Record<string, RunnerState> {
    return Object.fromEntries(this.runners.map((r) => [r.name, r.state]));
  }

  /** Drains every function within the worker's drainTimeoutMs, then closes the client. */
  async drain(): Promise<void> {
    const results = await Promise.allSettled(this.runners.map((r) => r.drain(this.config.drainTimeoutMs)));
    await this.client.close();
    const failed = results.find((r) => r.status === 'rejected');
    if (failed && failed.status === 'rejected') throw toError(failed.reason);
  }
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
