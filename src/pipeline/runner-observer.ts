import type { FlushReason } from './flush-reason.js';

/** Why an input left without a score. */
export type FailureKind = 'permanent' | 'transient';

/**
 * What a FunctionRunner reports as it works; the metrics layer implements it (src/metrics), tests may
 * record it. Every method is cheap and synchronous.
 */
export interface RunnerObserver {
  eventsReceived(n: number): void;
  /** Inputs whose outputs the broker confirmed. */
  eventsScored(n: number): void;
  batchFlushed(size: number, fill: number, reason: FlushReason, queueWaitMs: number): void;
  inference(ms: number, rows: number): void;
  /** From the input's publish time to the output's send receipt (event time can be simulated or old). */
  endToEnd(ms: number): void;
  /** Age of the oldest feature value a scored row used. */
  featureAge?(ms: number): void;
  negativeAck(reason: string): void;
  deadLettered(reason: string): void;
  inflightBatches(n: number): void;
  redelivered(n: number): void;
  modelDevice(backend: string, device: string, fallback: boolean): void;
  state(state: string): void;
}

const noop = (): void => {};
export const noopObserver: RunnerObserver = {
  eventsReceived: noop,
  eventsScored: noop,
  batchFlushed: noop,
  inference: noop,
  endToEnd: noop,
  negativeAck: noop,
  deadLettered: noop,
  inflightBatches: noop,
  redelivered: noop,
  modelDevice: noop,
  state: noop,
};
