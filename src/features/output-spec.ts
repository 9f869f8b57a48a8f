/**
 * Types of the `outputs:` section: output record field → where its value comes from.
 *
 * ```yaml
 * outputs:
 *   transaction_id: { kind: field }                          # copied from the input record
 *   fraud_score: { kind: score, output: score }              # model output "score", column 0
 *   is_fraud_predicted: { kind: label, output: score, threshold: 0.5 }   # boolean
 *   recommendations: { kind: topK, output: next_item, k: 10, vocabularyFile: items.txt }
 * ```
 * Metadata such as model_name, scored_at and scoring_latency_ms is filled by the runtime, not here.
 */

export const OUTPUT_KINDS = ['score', 'label', 'topK', 'field'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

/** One column of a model output as a number. */
export interface ScoreOutput {
  readonly kind: 'score';
  readonly output: string;
  /** Column within the output row. @default 0 */
  readonly index: number;
}

/**
 * A class decision. With `threshold`: column `index` ≥ threshold → true (or labels[1]), else false (or
 * labels[0]). Without: the arg-max column's entry in `labels`.
 */
export interface LabelOutput {
  readonly kind: 'label';
  readonly output: string;
  readonly index: number;
  readonly threshold: number | undefined;
  readonly labels: readonly string[] | undefined;
}

/** The k best columns as `[{ item_id, score }]`, best first; column j is vocabulary[j]. */
export interface TopKOutput {
  readonly kind: 'topK';
  readonly output: string;
  readonly k: number;
  readonly vocabulary: readonly string[];
}

/** Copies a field of the input record (dotted path), `from` defaulting to the output field's name. */
export interface FieldOutput {
  readonly kind: 'field';
  readonly from: string;
  readonly fromPath: readonly string[];
}

export type OutputFieldSpec = ScoreOutput | LabelOutput | TopKOutput | FieldOutput;

export interface OutputSpec {
  /** In file order, which is also the order fields are written. */
  readonly fields: readonly { readonly name: string; readonly spec: OutputFieldSpec }[];
}

/** The smallest row width each referenced model output must have. */
export function requiredOutputWidths(spec: OutputSpec): Map<string, number> {
  const need = new Map<string, number>();
  for (const { spec: f } of spec.fields) {
    if (f.kind === 'field') continue;
    let w: number;
    if (f.kind === 'topK') w = f.vocabulary.length;
    else if (f.kind === 'label' && f.threshold === undefined) w = f.labels?.length ?? 1;
    else w = f.index + 1;
    need.set(f.output, Math.max(need.get(f.output) ?? 0, w));
  }
  return need;
}
