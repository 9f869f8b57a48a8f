import { InferenceError } from '../errors.js';
import type { FeatureMapper, MappedBatch } from '../features/feature-mapper.js';
import type { OutputMapper } from '../features/output-mapper.js';
import type { InferenceBackend } from '../inference/backend.js';

/** The outcome of scoring rows: each row index is in exactly one of the three maps. */
export interface ScoreResult {
  readonly outputs: Map<number, Record<string, unknown>>;
  /** Rows that can never score (feature validation): dead-letter them. */
  readonly permanent: Map<number, Error>;
  /** Rows whose model call failed even alone: retry them later. */
  readonly transient: Map<number, Error>;
  /** Model calls made (1 unless a failure split the batch). */
  readonly calls: number;
  readonly inferenceMs: number;
}

/**
 * Scores a micro-batch with one model call. A row is one record (`mode: event`) or one key's window of
 * records (`mode: key`). When the call fails, the batch is split in halves and each half scored alone,
 * down to single rows, so one poison row does not fail its neighbours.
 */
export class BatchScorer {
  private readonly features: FeatureMapper;
  private readonly outputs: OutputMapper;
  private readonly backend: InferenceBackend;
  private readonly sequences: boolean;

  constructor(features: FeatureMapper, outputs: OutputMapper, backend: InferenceBackend, mode: 'event' | 'key') {
    this.features = features;
    this.outputs = outputs;
    this.backend = backend;
    this.sequences = mode === 'key';
  }

  async score(rows: readonly (readonly unknown[])[]): Promise<ScoreResult> {
    const result = { outputs: new Map<number, Record<string, unknown>>(), permanent: new Map<number, Error>(), transient: new Map<number, Error>(), calls: 0, inferenceMs: 0 };
    const mapped = this.map(rows);
    for (const [i, err] of mapped.rowErrors) result.permanent.set(i, err);
    if (mapped.rows.length > 0) await this.run(rows, mapped.rows, mapped, result);
    return result;
  }

  private map(rows: readonly (readonly unknown[])[]): MappedBatch {
    return this.sequences ? this.features.toSequenceTensor(rows) : this.features.toTensor(rows.map(newest));
  }

  /** Scores `indices` (rows of `all`); `mapped` holds exactly their tensors, in that order. */
  private async run(
    all: readonly (readonly unknown[])[],
    indices: readonly number[],
    mapped: MappedBatch,
    result: { outputs: Map<number, Record<string, unknown>>; transient: Map<number, Error>; calls: number; inferenceMs: number },
  ): Promise<void> {
    const t0 = performance.now();
    result.calls++;
    try {
      const out = await this.backend.run(mapped.tensors);
      result.inferenceMs += performance.now() - t0;
      const records = this.outputs.toRecords(out, indices.map((i) => newest(all[i] ?? [])));
      indices.forEach((rowIndex, r) => result.outputs.set(rowIndex, records[r] as Record<string, unknown>));
      return;
    } catch (err) {
      result.inferenceMs += performance.now() - t0;
      const error = err instanceof InferenceError ? err : new InferenceError(`model call failed: ${(err as Error).message}`, { cause: err });
      if (indices.length === 1) {
        result.transient.set(indices[0] as number, error);
        return;
      }
      const mid = Math.ceil(indices.length / 2);
      for (const half of [indices.slice(0, mid), indices.slice(mid)]) {
        const sub = this.map(half.map((i) => all[i] ?? []));
        // Rows mapped fine before; map again only to cut the tensors to this half.
        await this.run(all, half, sub, result);
      }
    }
  }
}

function newest(events: readonly unknown[]): unknown {
  return events[events.length - 1];
}
