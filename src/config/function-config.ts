/**
 * Compiles one `functions/<name>/function.yaml` into an immutable FunctionConfig: schema checks
 * (unknown fields, types, ranges), then the rules that cross fields and files (ordering flags, topic
 * names, schema and model files, the key field), collecting every problem as a ConfigError that names
 * the file, the field and the fix.
 */
import { existsSync } from 'node:fs';
import type avro from 'avsc';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { ConfigError } from '../errors.js';
import { checkKeyField, readAvroSchemaFile, type AvroSchemaFile } from './avro-schema-file.js';
import { applyConvict, checkAgainstSchema, isPlainObject, issueToError, joinField, type ConfigIssue } from './config-schema.js';
import {
  functionConfigSchema,
  type BatchMode,
  type ProcessingGuarantees,
  type SubscriptionPosition,
  type SubscriptionType,
} from './function-config-schema.js';
import type { FeatureSpec } from '../features/feature-spec.js';
import { enrichedFields, fieldsRead, type EnrichmentSpec } from '../features/store/enrichment-spec.js';
import { validateFeatureSources, validateStreamFeatures } from '../features/store/validate-enrichment-spec.js';
import type { OutputSpec } from '../features/output-spec.js';
import type { ModelSpec } from '../inference/model-spec.js';
import { checkSchemaReferences, defaultSectionValidators } from './default-section-validators.js';
import { findField } from './avro-schema-file.js';
import { readFunctionFile } from './function-file.js';
import { deepFreeze } from './raw-object.js';
import type { SectionValidators } from './section-validators.js';
import { resolveTopicName, TOPIC_NAME_FIX } from './topic-names.js';

export interface BatchingConfig {
  /** @default "event" */
  readonly mode: BatchMode;
  /** @default 256 */
  readonly maxBatchSize: number;
  /** Bytes. @default 4194304 (4MiB) */
  readonly maxBatchBytes: number;
  /** @default 20 */
  readonly maxWaitMs: number;
  /** @default 2 */
  readonly maxInflightBatches: number;
  /** @default 10000 */
  readonly maxQueuedEvents: number;
  /** @default maxBatchSize */
  readonly maxEventsPerKey: number;
}

export interface ProducerConfig {
  /** @default "KEY_BASED" */
  readonly batchBuilder: 'KEY_BASED' | 'DEFAULT';
  /** @default 1 */
  readonly batchingMaxPublishDelayMs: number;
}

export interface NegativeAckBackoff {
  /** @default 1000 */
  readonly minDelayMs: number;
  /** @default 60000 */
  readonly maxDelayMs: number;
  /** @default 2 */
  readonly multiplier: number;
}

export interface FunctionConfig<F = FeatureSpec, O = OutputSpec, M = ModelSpec> {
  readonly name: string;
  /** Absolute path of the function.yaml, and its directory. */
  readonly file: string;
  readonly dir: string;
  readonly tenant: string;
  readonly namespace: string;
  /** Full topic names (persistent://tenant/namespace/topic). */
  readonly inputs: readonly string[];
  readonly output: string;
  readonly subName: string;
  readonly subscriptionType: SubscriptionType;
  readonly subscriptionPosition: SubscriptionPosition;
  readonly processingGuarantees: ProcessingGuarantees;
  readonly maxMessageRetries: number;
  /** Dead-letter topic of each input (full names). */
  readonly deadLetterTopics: Readonly<Record<string, string>>;
  readonly negativeAckBackoff: NegativeAckBackoff;
  readonly producerConfig: ProducerConfig;
  readonly receiverQueueSize: number;
  readonly timeoutMs: number;
  readonly forwardSourceMessageProperty: boolean;
  readonly schemas: { readonly input: AvroSchemaFile; readonly output: AvroSchemaFile };
  readonly key: string | undefined;
  readonly batching: BatchingConfig;
  readonly model: M;
  readonly features: F;
  readonly outputs: O;
  readonly resources: { readonly cpu: number; readonly ram: number; readonly disk: number; readonly gpu: number };
  readonly userConfig: Readonly<Record<string, unknown>>;
  /** `featureSources:` and `streamFeatures:`; absent when the file has neither. */
  readonly enrichment?: EnrichmentSpec;
}

export interface FunctionConfigContext<F = FeatureSpec, O = OutputSpec, M = ModelSpec> {
  /** Absolute path of the function.yaml. */
  readonly file: string;
  /** Directory of the shared .avsc files. */
  readonly schemasDir: string;
  /** How the file is named in messages. @default path relative to the current directory */
  readonly displayFile?: string;
  /** Top-level field → absolute path of the included file that set it (for error messages). */
  readonly origins?: Readonly<Record<string, string>>;
  /** Validators of the features, outputs and model sections. @default defaultSectionValidators */
  readonly validators?: SectionValidators<F, O, M>;
}

export interface Validation<T> {
  /** Set only when `errors` is empty. */
  readonly value?: T;
  readonly errors: ConfigError[];
}

/** Shown path of a file: relative to the current directory when inside it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** Reads and compiles one function file (and the files it includes). */
export function loadFunctionFile<F, O, M>(context: FunctionConfigContext<F, O, M>): Validation<FunctionConfig<F, O, M>> {
  const shown = context.displayFile ?? displayPath(context.file);
  const show = (file: string): string => (file === context.file ? shown : displayPath(file));
  const read = readFunctionFile(context.file, dirname(context.file));
  const readErrors = read.issues.map((i) => issueToError(show(i.file), i.issue));
  if (read.value === undefined || readErrors.length > 0) {
    // Still check what could be read, so one run reports as much as possible.
    const more = read.value === undefined ? [] : compileFunctionConfig(read.value, { ...context, displayFile: shown, origins: read.origins }).errors;
    return { errors: [...readErrors, ...more] };
  }
  return compileFunctionConfig(read.value, { ...context, displayFile: shown, origins: read.origins });
}

interface Props {
  name: string | null;
  tenant: string;
  namespace: string;
  // Null only when absent and validation was skipped because of other problems.
  inputs: string[] | null;
  output: string | null;
  subName: string | null;
  subscriptionType: SubscriptionType | null;
  retainOrdering: boolean;
  retainKeyOrdering: boolean;
  subscriptionPosition: SubscriptionPosition;
  processingGuarantees: ProcessingGuarantees;
  maxMessageRetries: number;
  deadLetterTopic: string | null;
  negativeAckBackoff: NegativeAckBackoff;
  producerConfig: ProducerConfig;
  receiverQueueSize: number;
  timeoutMs: number;
  forwardSourceMessageProperty: boolean;
  schemas: { input: string | null; output: string | null };
  key: string | null;
  batching: Omit<BatchingConfig, 'maxEventsPerKey'> & { maxEventsPerKey: number | null };
  model: unknown;
  features: unknown;
  outputs: unknown;
  resources: { cpu: number; ram: number; disk: number; gpu: number };
  userConfig: Record<string, unknown>;
}

/** Compiles parsed YAML of one function file; collects every problem. */
export function compileFunctionConfig<F = FeatureSpec, O = OutputSpec, M = ModelSpec>(
  raw: unknown,
  context: FunctionConfigContext<F, O, M>,
): Validation<FunctionConfig<F, O, M>> {
  const shown = context.displayFile ?? displayPath(context.file);
  const dir = dirname(context.file);
  const origins = context.origins ?? {};
  const toError = (i: ConfigIssue): ConfigError => {
    const origin = origins[i.field.split(/[.[]/)[0] ?? ''];
    return issueToError(origin === undefined ? shown : displayPath(origin), i);
  };
  const checked = checkAgainstSchema(functionConfigSchema, raw);
  const included = Object.keys(origins).length > 0 || (isPlainObject(raw) && raw.include !== undefined);
  const issues: ConfigIssue[] = checked.issues.map((i) =>
    i.missing === true && included ? { ...i, fix: `${i.fix ?? 'add it'}, here or in an included file` } : i,
  );
  const failed = new Set(issues.map((i) => i.field.split(/[.[]/)[0]));
  const rawObj = isPlainObject(raw) ? raw : {};
  if (!isPlainObject(raw)) return { errors: issues.map(toError) };

  // Sections owned by other modules: run their validators even when other fields fail.
  const validators = (context.validators ?? defaultSectionValidators) as unknown as SectionValidators<F, O, M>;
  const mode: BatchMode = isPlainObject(rawObj.batching) && rawObj.batching.mode === 'key' ? 'key' : 'event';
  const sectionContext = { functionDir: dir, mode };
  const sections: { features?: F; outputs?: O; model?: M } = {};
  for (const section of ['features', 'outputs', 'model'] as const) {
    if (failed.has(section) || rawObj[section] === undefined) continue;
    const result = validators[section](rawObj[section], section, sectionContext);
    for (const e of result.errors) issues.push({ field: e.field, message: e.message, ...(e.hint === undefined ? {} : { fix: e.hint }) });
    if (result.errors.length === 0) (sections as Record<string, unknown>)[section] = result.value;
  }
  checkModelFile(rawObj.model, dir, issues);
  const enrichment = readEnrichment(rawObj, failed, issues);

  // Rules across fields run on the valid part even when some fields failed, skipping what those touch.
  const p = applyConvict<Props>(functionConfigSchema, checked.value, { validate: checked.issues.length === 0 });
  const ok = (field: string): boolean => !failed.has(field);
  const name = p.name ?? basename(dir);
  if (p.name !== null && p.name !== basename(dir)) {
    issues.push({ field: 'name', message: `"${p.name}" differs from the directory name "${basename(dir)}"`, fix: `rename the directory or write name: ${basename(dir)}` });
  }
  const subName = p.subName ?? name;

  const topic = (field: string, n: string): string => {
    const r = resolveTopicName(n, p.tenant, p.namespace);
    if ('topic' in r) return r.topic;
    issues.push({ field, message: `"${n}" is not a valid topic name: ${r.problem}`, fix: TOPIC_NAME_FIX });
    return n;
  };
  const inputs = (p.inputs ?? []).map((n, i) => topic(joinField('inputs', i), n));
  inputs.forEach((t, i) => {
    if (inputs.indexOf(t) !== i) issues.push({ field: joinField('inputs', i), message: `"${t}" is listed twice`, fix: 'list each input topic once' });
  });
  const output = p.output === null ? '' : topic('output', p.output);
  if (inputs.includes(output)) {
    issues.push({ field: 'output', message: `"${output}" is also an input, so outputs would be scored again`, fix: 'publish to a different topic' });
  }
  const deadLetterTopics: Record<string, string> = {};
  const dlq = p.deadLetterTopic === null ? undefined : topic('deadLetterTopic', p.deadLetterTopic);
  for (const input of inputs) deadLetterTopics[input] = dlq ?? `${input}-${subName}-DLQ`;
  if (dlq !== undefined && (dlq === output || inputs.includes(dlq))) {
    issues.push({ field: 'deadLetterTopic', message: `"${dlq}" is also an input or the output`, fix: 'use a topic of its own, e.g. <input>-<subName>-DLQ' });
  }

  const subscriptionType = orderingRules(p, issues);
  const b = p.batching;
  if (ok('batching') && b.maxQueuedEvents < b.maxBatchSize) {
    issues.push({
      field: 'batching.maxQueuedEvents',
      message: `${b.maxQueuedEvents} is smaller than batching.maxBatchSize (${b.maxBatchSize}), so a full batch could never queue`,
      fix: `raise it to at least ${b.maxBatchSize}`,
    });
  }
  const nb = p.negativeAckBackoff;
  if (ok('negativeAckBackoff') && nb.minDelayMs > nb.maxDelayMs) {
    issues.push({ field: 'negativeAckBackoff.minDelayMs', message: `${nb.minDelayMs} exceeds maxDelayMs (${nb.maxDelayMs})`, fix: 'make minDelayMs <= maxDelayMs' });
  }

  const schemaFile = (field: 'input' | 'output') => {
    const n = p.schemas[field];
    return n === null ? undefined : readAvroSchemaFile(`schemas.${field}`, n, dir, context.schemasDir, issues);
  };
  const input = schemaFile('input');
  const out = schemaFile('output');
  if (p.key !== null && input !== undefined) checkKeyField('key', p.key, input.type, issues);
  if (input !== undefined && enrichment !== undefined) checkEnrichmentFields(enrichment, input.type, issues);
  const provided = new Set(enrichment === undefined ? [] : enrichedFields(enrichment));
  if (input !== undefined && out !== undefined) checkSchemaReferences(sections.features, sections.outputs, input.type, out.type, issues, provided);

  if (issues.length > 0 || input === undefined || out === undefined) return { errors: issues.map(toError) };
  const config: FunctionConfig<F, O, M> = {
    name,
    file: context.file,
    dir,
    tenant: p.tenant,
    namespace: p.namespace,
    inputs,
    output,
    subName,
    subscriptionType,
    subscriptionPosition: p.subscriptionPosition,
    processingGuarantees: p.processingGuarantees,
    maxMessageRetries: p.maxMessageRetries,
    deadLetterTopics,
    negativeAckBackoff: { ...nb },
    producerConfig: { ...p.producerConfig },
    receiverQueueSize: p.receiverQueueSize,
    timeoutMs: p.timeoutMs,
    forwardSourceMessageProperty: p.forwardSourceMessageProperty,
    schemas: { input: input.file, output: out.file },
    key: p.key ?? undefined,
    batching: { ...b, maxEventsPerKey: b.maxEventsPerKey ?? b.maxBatchSize },
    model: sections.model as M,
    features: sections.features as F,
    outputs: sections.outputs as O,
    resources: { ...p.resources },
    userConfig: p.userConfig,
    ...(enrichment === undefined ? {} : { enrichment }),
  };
  return { value: deepFreeze(config), errors: [] };
}

/** retainOrdering / retainKeyOrdering (Pulsar Functions names) against subscriptionType. */
function orderingRules(p: Props, issues: ConfigIssue[]): SubscriptionType {
  if (p.retainOrdering && p.retainKeyOrdering) {
    issues.push({
      field: 'retainKeyOrdering',
      message: 'retainOrdering and retainKeyOrdering are both set',
      fix: 'keep retainKeyOrdering (per-key order, Key_Shared) or retainOrdering (total order, Failover), not both',
    });
    return 'Key_Shared';
  }
  const implied: SubscriptionType | undefined = p.retainOrdering ? 'Failover' : p.retainKeyOrdering ? 'Key_Shared' : undefined;
  const t = p.subscriptionType;
  if (implied !== undefined && t !== null) {
    const ok = implied === 'Failover' ? t === 'Failover' || t === 'Exclusive' : t === 'Key_Shared';
    if (!ok) {
      const flag = p.retainOrdering ? 'retainOrdering' : 'retainKeyOrdering';
      issues.push({ field: 'subscriptionType', message: `${t} contradicts ${flag}: true, which needs ${implied}`, fix: `remove subscriptionType or ${flag}` });
    }
  }
  return t ?? implied ?? 'Key_Shared';
}

function checkModelFile(model: unknown, dir: string, issues: ConfigIssue[]): void {
  if (!isPlainObject(model) || typeof model.path !== 'string' || model.path === '') return;
  const path = isAbsolute(model.path) ? model.path : join(dir, model.path);
  if (!existsSync(path)) {
    issues.push({ field: 'model.path', message: `model file ${displayPath(resolve(path))} does not exist`, fix: 'put the model next to function.yaml, or fix the path (relative to the function directory)' });
  }
}

/** `featureSources:` and `streamFeatures:` (validated by src/features/store), if either is present. */
function readEnrichment(raw: Record<string, unknown>, failed: ReadonlySet<string | undefined>, issues: ConfigIssue[]): EnrichmentSpec | undefined {
  const present = (k: string): boolean => raw[k] !== undefined && raw[k] !== null && !failed.has(k);
  if (!present('featureSources') && !present('streamFeatures')) return undefined;
  const sources = present('featureSources') ? validateFeatureSources(raw.featureSources, 'featureSources') : { value: [], errors: [] };
  const stream = present('streamFeatures') ? validateStreamFeatures(raw.streamFeatures, 'streamFeatures') : { value: [], errors: [] };
  for (const e of [...sources.errors, ...stream.errors]) issues.push({ field: e.field, message: e.message, ...(e.hint === undefined ? {} : { fix: e.hint }) });
  // The valid part still goes through the checks against the input schema, so one run reports all.
  return { sources: sources.value ?? [], stream: stream.value ?? [] };
}

/** Fields enrichment reads must exist in the input schema; the fields it adds must not, nor repeat. */
function checkEnrichmentFields(spec: EnrichmentSpec, input: avro.Type, issues: ConfigIssue[]): void {
  for (const { field, where } of fieldsRead(spec)) {
    const found = findField(input, field);
    if ('problem' in found) issues.push({ field: where, message: found.problem, fix: found.fix });
  }
  const seen = new Set<string>();
  const where = (name: string): string => {
    const si = spec.sources.findIndex((s) => s.features.some((f) => f.as === name));
    if (si >= 0) return `featureSources[${si}].features[${spec.sources[si]?.features.findIndex((f) => f.as === name) ?? 0}].as`;
    const gi = spec.stream.findIndex((g) => g.features.some((f) => f.as === name));
    return `streamFeatures[${gi}].features[${spec.stream[gi]?.features.findIndex((f) => f.as === name) ?? 0}].as`;
  };
  for (const name of enrichedFields(spec)) {
    if (seen.has(name)) issues.push({ field: where(name), message: `"${name}" is added twice`, fix: 'give each enriched feature its own as: name' });
    else if (!('problem' in findField(input, name))) issues.push({ field: where(name), message: `"${name}" is already a field of the input schema`, fix: `choose another as: name, e.g. ${name}_fs` });
    seen.add(name);
  }
}
