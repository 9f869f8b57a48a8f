/**
 * The convict schema of `functions/<name>/function.yaml`. Field names follow Pulsar Functions'
 * FunctionConfig where the meaning is the same. Rules that involve several fields or files live in
 * function-config.ts.
 */
import { parseByteSize } from './byte-size.js';
import type { FieldSpec, SchemaGroup } from './config-schema.js';
import {
  anything,
  boolean,
  byteSize,
  FieldProblem,
  integer,
  mapping,
  nonEmptyString,
  oneOf,
  positiveNumber,
  type Check,
} from './field-checks.js';
import { isValidNameSegment, TOPIC_NAME_FIX } from './topic-names.js';

export const SUBSCRIPTION_TYPES = ['Key_Shared', 'Shared', 'Failover', 'Exclusive'] as const;
export type SubscriptionType = (typeof SUBSCRIPTION_TYPES)[number];
export const SUBSCRIPTION_POSITIONS = ['Earliest', 'Latest'] as const;
export type SubscriptionPosition = (typeof SUBSCRIPTION_POSITIONS)[number];
export const PROCESSING_GUARANTEES = ['ATLEAST_ONCE', 'ATMOST_ONCE'] as const;
export type ProcessingGuarantees = (typeof PROCESSING_GUARANTEES)[number];
export const BATCH_MODES = ['event', 'key'] as const;
export type BatchMode = (typeof BATCH_MODES)[number];

const toBytes = (v: unknown): unknown => parseByteSize(v);

function nameSegment(example: string): Check {
  return (v) => {
    if (typeof v !== 'string' || !isValidNameSegment(v)) {
      throw new FieldProblem('must be a name of letters, digits and - _ = : .', `write e.g. ${example}`);
    }
  };
}

function topic(): Check {
  return (v) => {
    if (typeof v !== 'string' || v.trim() === '') throw new FieldProblem('must be a topic name', TOPIC_NAME_FIX);
  };
}

function topicList(): Check {
  return (v) => {
    if (!Array.isArray(v) || v.length === 0) {
      throw new FieldProblem('must be a non-empty list of topic names', 'write e.g. [transactions]');
    }
    if (!v.every((t) => typeof t === 'string' && t.trim() !== '')) {
      throw new FieldProblem('must list topic names as strings', 'write e.g. [transactions, persistent://public/default/refunds]');
    }
  };
}

const leaf = (spec: FieldSpec): FieldSpec => spec;

export const functionConfigSchema = {
  name: leaf({
    doc: 'Function name; must equal its directory name under functions/.',
    default: null,
    nullable: true,
    format: nameSegment('fraud-scorer'),
    type: 'string',
    defaultDoc: 'the directory name',
  }),
  include: leaf({
    doc: 'YAML files in the function directory whose top-level fields join this file, e.g. the features.yaml (features, outputs) written by model training. A field may be set in one file only.',
    default: [],
    format: (v) => {
      const ok = typeof v === 'string' ? v !== '' : Array.isArray(v) && v.every((x) => typeof x === 'string' && x !== '');
      if (!ok) throw new FieldProblem('must be a file name or a list of file names', 'write e.g. [features.yaml]');
    },
    normalize: (v) => (typeof v === 'string' ? [v] : v),
    type: 'list of paths',
  }),
  tenant: leaf({ doc: 'Pulsar tenant that short topic names resolve in.', default: 'public', format: nameSegment('public'), type: 'string' }),
  namespace: leaf({ doc: 'Pulsar namespace that short topic names resolve in.', default: 'default', format: nameSegment('default'), type: 'string' }),
  inputs: leaf({
    doc: 'Input topics. Short names resolve to persistent://<tenant>/<namespace>/<name>.',
    default: null,
    format: topicList(),
    type: 'list of topics',
    example: '[transactions]',
  }),
  output: leaf({ doc: 'Topic the scored records are published to.', default: null, format: topic(), type: 'topic', example: 'fraud-scores' }),
  subName: leaf({
    doc: 'Subscription name on the inputs; workers of one function share it.',
    default: null,
    nullable: true,
    format: nameSegment('fraud-scorer'),
    type: 'string',
    defaultDoc: 'name',
  }),
  subscriptionType: leaf({
    doc: 'Key_Shared keeps per-key order while spreading keys across workers; Failover and Exclusive keep total order on one worker; Shared gives up order.',
    default: null,
    nullable: true,
    format: oneOf(SUBSCRIPTION_TYPES),
    type: SUBSCRIPTION_TYPES.join(' | '),
    defaultDoc: 'Key_Shared (Failover with retainOrdering)',
  }),
  retainOrdering: leaf({
    doc: 'Pulsar Functions name: process in total order (a Failover subscription). Not with retainKeyOrdering.',
    default: false,
    format: boolean(),
    type: 'boolean',
  }),
  retainKeyOrdering: leaf({
    doc: 'Pulsar Functions name: process in order per key (a Key_Shared subscription). Not with retainOrdering.',
    default: false,
    format: boolean(),
    type: 'boolean',
  }),
  subscriptionPosition: leaf({
    doc: 'Where a new subscription starts (as in Pulsar Functions). Earliest also scores events published before the first deployment.',
    default: 'Latest',
    format: oneOf(SUBSCRIPTION_POSITIONS),
    type: SUBSCRIPTION_POSITIONS.join(' | '),
  }),
  processingGuarantees: leaf({
    doc: 'ATLEAST_ONCE acks an input after its outputs are persisted (duplicates after a crash, never losses); ATMOST_ONCE acks on receipt.',
    default: 'ATLEAST_ONCE',
    format: oneOf(PROCESSING_GUARANTEES, {
      EFFECTIVELY_ONCE:
        'EFFECTIVELY_ONCE is not supported: it needs transactional publish and ack, which Strobe does not do yet; use ATLEAST_ONCE (duplicates are counted in strobe_duplicates_total)',
      MANUAL: 'MANUAL is not supported: Strobe acknowledges inputs itself, after their outputs are persisted; use ATLEAST_ONCE',
    }),
    type: PROCESSING_GUARANTEES.join(' | '),
  }),
  maxMessageRetries: leaf({
    doc: 'Deliveries of a transiently failing input before it goes to the dead-letter topic.',
    default: 3,
    format: integer({ min: 0, max: 1000, example: 3 }),
    type: 'integer',
  }),
  deadLetterTopic: leaf({
    doc: 'Dead-letter topic for inputs that cannot be scored.',
    default: null,
    nullable: true,
    format: topic(),
    type: 'topic',
    defaultDoc: '<input>-<subName>-DLQ per input',
  }),
  negativeAckBackoff: {
    minDelayMs: leaf({ doc: 'Redelivery delay after the first failure.', default: 1000, format: integer({ min: 0, unit: 'milliseconds', example: 1000 }), type: 'integer (ms)' }),
    maxDelayMs: leaf({ doc: 'Upper bound of the redelivery delay.', default: 60000, format: integer({ min: 0, unit: 'milliseconds', example: 60000 }), type: 'integer (ms)' }),
    multiplier: leaf({ doc: 'Delay factor per further failure.', default: 2, format: positiveNumber(2), type: 'number' }),
  },
  producerConfig: {
    batchBuilder: leaf({
      doc:
        'How the output producer batches (Pulsar Functions producerConfig.batchBuilder). KEY_BASED keeps one key per batch entry, which Key_Shared consumers of the output need; DEFAULT mixes keys in an entry: far fewer entries for the broker when outputs have many keys, but a Key_Shared reader would route a whole entry by its first key.',
      default: 'KEY_BASED',
      format: oneOf(['KEY_BASED', 'DEFAULT']),
      type: 'KEY_BASED | DEFAULT',
    }),
    batchingMaxPublishDelayMs: leaf({
      doc: 'Longest time an output waits in the producer for its batch to fill.',
      default: 1,
      format: integer({ min: 0, max: 10_000, unit: 'milliseconds', example: 1 }),
      type: 'integer (ms)',
    }),
  },
  receiverQueueSize: leaf({
    doc: 'Messages the broker may push ahead of processing, per consumer (Pulsar flow permits).',
    default: 1000,
    format: integer({ min: 1, max: 1_000_000, unit: 'messages', example: 1000 }),
    type: 'integer',
  }),
  timeoutMs: leaf({
    doc: 'Pulsar Functions message timeout: redeliver an input not acknowledged within this time. 0 turns it off; Strobe acks after publish and nacks failures itself.',
    default: 0,
    format: integer({ min: 0, unit: 'milliseconds', example: 0 }),
    type: 'integer (ms)',
  }),
  forwardSourceMessageProperty: leaf({
    doc: 'Copy the input message properties onto its output.',
    default: true,
    format: boolean(),
    type: 'boolean',
  }),
  schemas: {
    input: leaf({
      doc: 'Avro schema (.avsc) of the input records, looked up in the function directory, then in schemas/.',
      default: null,
      format: nonEmptyString('transaction.avsc'),
      type: 'path',
      example: 'transaction.avsc',
    }),
    output: leaf({
      doc: 'Avro schema (.avsc) of the output records, looked up like schemas.input.',
      default: null,
      format: nonEmptyString('fraud-score.avsc'),
      type: 'path',
      example: 'fraud-score.avsc',
    }),
  },
  key: leaf({
    doc: 'Input record field (dotted for nested records) used as the key of a message that has none.',
    default: null,
    nullable: true,
    format: nonEmptyString('card_id'),
    type: 'string',
    defaultDoc: 'none: messages without a key share one ordering key',
  }),
  batching: {
    mode: leaf({
      doc: 'event: each event is a model row, rows of many keys form one model call; key: a key\'s window of events is one row (sequence models).',
      default: 'event',
      format: oneOf(BATCH_MODES),
      type: BATCH_MODES.join(' | '),
    }),
    maxBatchSize: leaf({
      doc: 'Flush when a batch holds this many events.',
      default: 256,
      format: integer({ min: 1, max: 1_000_000, unit: 'events', example: 256 }),
      type: 'integer',
    }),
    maxBatchBytes: leaf({
      doc: 'Flush when a batch holds this many payload bytes ("4MiB" or a number of bytes).',
      default: 4 * 1024 * 1024,
      format: byteSize('4MiB'),
      normalize: toBytes,
      type: 'size',
      defaultDoc: '4MiB',
    }),
    maxWaitMs: leaf({
      doc: 'Flush when the oldest queued event has waited this long.',
      default: 20,
      format: integer({ min: 0, max: 3_600_000, unit: 'milliseconds', example: 20 }),
      type: 'integer (ms)',
    }),
    maxInflightBatches: leaf({
      doc: 'Model calls in flight at once.',
      default: 2,
      format: integer({ min: 1, max: 1024, example: 2 }),
      type: 'integer',
    }),
    maxQueuedEvents: leaf({
      doc: 'Events waiting for a batch before the consumer stops granting flow permits (resumes at half).',
      default: 10000,
      format: integer({ min: 1, unit: 'events', example: 10000 }),
      type: 'integer',
    }),
    maxEventsPerKey: leaf({
      doc: 'Events of one key in one batch (fairness cap; in key mode, the longest window).',
      default: null,
      nullable: true,
      format: integer({ min: 1, unit: 'events', example: 64 }),
      type: 'integer',
      defaultDoc: 'maxBatchSize',
    }),
  },
  model: leaf({
    doc: 'Model to run: backend (onnx | tfjs), path (relative to the function directory), device, deviceFallback. See the inference docs.',
    default: null,
    format: mapping('{ backend: onnx, path: model.onnx }'),
    type: 'mapping',
    example: '{ backend: onnx, path: model.onnx }',
    opaque: true,
  }),
  features: leaf({
    doc: 'Record fields → model input tensors. See src/features/README.md.',
    default: null,
    format: anything(),
    type: 'list',
    example: '[{ input: features, columns: [...] }]',
    opaque: true,
  }),
  outputs: leaf({
    doc: 'Model outputs → output record fields. See src/features/README.md.',
    default: null,
    format: anything(),
    type: 'mapping',
    example: '{ fraud_score: { kind: score, output: score } }',
    opaque: true,
  }),
  featureSources: leaf({
    doc: 'Online feature store lookups (Redis) added to each record before features: reads it, with a freshness limit (maxAgeMs) and onStale / onMissing policies. See src/features/store/README.md.',
    default: null,
    nullable: true,
    format: anything(),
    type: 'list',
    example: '[{ name: merchant, key: "merchant:{merchant_id}", maxAgeMs: 1h, features: [{ name: risk_score, default: 0 }] }]',
    defaultDoc: 'none',
    opaque: true,
  }),
  streamFeatures: leaf({
    doc: 'Per-key rolling aggregates (count, sum, mean, max, min over a window; timeSincePrevious) computed in the worker, state kept in Redis. See src/features/store/README.md.',
    default: null,
    nullable: true,
    format: anything(),
    type: 'list',
    example: '[{ name: card, key: card_id, idField: transaction_id, features: [{ as: tx_count_1m, agg: count, window: 1m }] }]',
    defaultDoc: 'none',
    opaque: true,
  }),
  resources: {
    cpu: leaf({ doc: 'CPU cores requested (deployment manifests).', default: 1, format: positiveNumber(1), type: 'number' }),
    ram: leaf({ doc: 'Memory requested (deployment manifests).', default: 1024 ** 3, format: byteSize('2GiB'), normalize: toBytes, type: 'size', defaultDoc: '1GiB' }),
    disk: leaf({ doc: 'Disk requested (deployment manifests).', default: 10 * 1024 ** 3, format: byteSize('10GiB'), normalize: toBytes, type: 'size', defaultDoc: '10GiB' }),
    gpu: leaf({ doc: 'GPUs requested (nvidia.com/gpu); Strobe\'s addition to Pulsar\'s resources.', default: 0, format: integer({ min: 0, max: 64, example: 1 }), type: 'integer' }),
  },
  userConfig: leaf({
    doc: 'Free-form settings passed to a handler.',
    default: {},
    format: mapping('{ threshold: 0.9 }'),
    type: 'mapping',
    opaque: true,
  }),
} satisfies SchemaGroup;
