/**
 * Types of the `features:` section: how record fields become float32 model input columns.
 * See README.md in this directory for the YAML shape. Build values with validateFeatureSpec().
 */

export const COLUMN_KINDS = ['numeric', 'categorical', 'hashed', 'boolean', 'equals', 'timestamp'] as const;
export type ColumnKind = (typeof COLUMN_KINDS)[number];

export const SCALINGS = ['none', 'standard', 'minmax'] as const;
export type Scaling = (typeof SCALINGS)[number];

export const ENCODINGS = ['onehot', 'index'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** Out-of-vocabulary handling: an extra bucket, all-zero one-hot, or a per-row error. */
export const OOV_POLICIES = ['bucket', 'zeros', 'error'] as const;
export type OovPolicy = (typeof OOV_POLICIES)[number];

export const TIME_PARTS = ['hourOfDay', 'dayOfWeek'] as const;
export type TimePart = (typeof TIME_PARTS)[number];

interface ColumnBase {
  /** Record field, dotted for nested records (`device.id`). */
  readonly field: string;
  /** `field` split on dots, precomputed for the hot path. */
  readonly fieldPath: readonly string[];
}

/** x → (log1p?) → (standard | minmax)? → clip?  One column. */
export interface NumericColumn extends ColumnBase {
  readonly kind: 'numeric';
  readonly log1p: boolean;
  readonly scaling: Scaling;
  /** standard: (x - mean) / std */
  readonly mean: number;
  readonly std: number;
  /** minmax: (x - min) / (max - min) */
  readonly min: number;
  readonly max: number;
  readonly clip: readonly [number, number] | undefined;
  /** Used when the field is null or absent; without it such a row is an error. */
  readonly default: number | undefined;
}

/**
 * A string (or integer) looked up in a vocabulary. `index` encoding: vocabulary[i] → i + 1 and 0 for
 * out-of-vocabulary, so 0 can double as padding for embeddings. `onehot`: one column per vocabulary
 * entry, preceded by an OOV column when `oov: bucket`.
 */
export interface CategoricalColumn extends ColumnBase {
  readonly kind: 'categorical';
  readonly vocabulary: readonly string[];
  readonly encoding: Encoding;
  readonly oov: OovPolicy;
  readonly default: string | undefined;
}

/** FNV-1a 32-bit of the value's UTF-8 bytes modulo `buckets`; one-hot (buckets columns) or index. */
export interface HashedColumn extends ColumnBase {
  readonly kind: 'hashed';
  readonly buckets: number;
  readonly encoding: Encoding;
  readonly default: string | undefined;
}

export interface BooleanColumn extends ColumnBase {
  readonly kind: 'boolean';
  readonly default: boolean | undefined;
}

/** 1 when `field` equals `otherField` in the same record (e.g. country vs card_country), else 0. */
export interface EqualsColumn extends ColumnBase {
  readonly kind: 'equals';
  readonly otherField: string;
  readonly otherFieldPath: readonly string[];
  /** Used when either field is null or absent. */
  readonly default: boolean | undefined;
}

/**
 * Epoch milliseconds (number, bigint or Date) → hour of day / day of week (Monday = 0), each as
 * (sin, cos) when cyclical, else scaled to [0, 1).
 */
export interface TimestampColumn extends ColumnBase {
  readonly kind: 'timestamp';
  readonly parts: readonly TimePart[];
  readonly cyclical: boolean;
  /** Shift from UTC before taking the hour and day, in minutes. @default 0 */
  readonly utcOffsetMinutes: number;
  readonly default: number | undefined;
}

export type ColumnSpec = NumericColumn | CategoricalColumn | HashedColumn | BooleanColumn | EqualsColumn | TimestampColumn;

/** `mode: key`: the key's last `length` events as one row. */
export interface SequenceSpec {
  readonly length: number;
  /** Where padding goes when a key has fewer events: left keeps the newest event last. @default left */
  readonly padding: 'left' | 'right';
  /** Value written into padded positions. @default 0 */
  readonly padValue: number;
  /** Name of a second model input receiving 1 for real events and 0 for padding, if the model has one. */
  readonly mask: string | undefined;
}

export interface InputSpec {
  /** Model input name. */
  readonly input: string;
  readonly columns: readonly ColumnSpec[];
  readonly sequence: SequenceSpec | undefined;
}

export interface FeatureSpec {
  /** event: one row per record. key: one row per key window (sequence inputs). */
  readonly mode: 'event' | 'key';
  readonly inputs: readonly InputSpec[];
}

/** Number of float32 columns a column spec produces. */
export function columnWidth(c: ColumnSpec): number {
  switch (c.kind) {
    case 'numeric':
    case 'boolean':
    case 'equals':
      return 1;
    case 'categorical':
      return c.encoding === 'index' ? 1 : c.vocabulary.length + (c.oov === 'bucket' ? 1 : 0);
    case 'hashed':
      return c.encoding === 'index' ? 1 : c.buckets;
    case 'timestamp':
      return c.parts.length * (c.cyclical ? 2 : 1);
  }
}

/** Columns per event of one input. */
export function inputWidth(input: InputSpec): number {
  let w = 0;
  for (const c of input.columns) w += columnWidth(c);
  return w;
}

/**
 * The tensor shape an input needs, batch dimension -1: `[-1, width]` per event; with a sequence,
 * `[-1, length]` when each event is one column (e.g. item indices for an embedding), else
 * `[-1, length, width]`.
 */
export function inputShape(input: InputSpec): number[] {
  const w = inputWidth(input);
  if (input.sequence === undefined) return [-1, w];
  return w === 1 ? [-1, input.sequence.length] : [-1, input.sequence.length, w];
}

/** Human-readable names of the columns an input produces, in tensor order (for model cards and errors). */
export function columnNames(c: ColumnSpec): string[] {
  switch (c.kind) {
    case 'numeric':
    case 'boolean':
      return [c.field];
    case 'equals':
      return [`${c.field}==${c.otherField}`];
    case 'categorical':
      if (c.encoding === 'index') return [`${c.field}#index`];
      return [...(c.oov === 'bucket' ? [`${c.field}=<oov>`] : []), ...c.vocabulary.map((v) => `${c.field}=${v}`)];
    case 'hashed':
      if (c.encoding === 'index') return [`${c.field}#hash`];
      return Array.from({ length: c.buckets }, (_, i) => `${c.field}#${i}`);
    case 'timestamp':
      return c.parts.flatMap((p) => (c.cyclical ? [`${c.field}.${p}.sin`, `${c.field}.${p}.cos`] : [`${c.field}.${p}`]));
  }
}
