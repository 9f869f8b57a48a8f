/**
 * The real validators of the features, outputs and model sections (owned by src/features and
 * src/inference), plus the checks that need the Avro schemas: every record field a feature reads or an
 * output copies must exist in the input schema, and every output field must exist in the output schema.
 */
import type avro from 'avsc';
import type { FeatureSpec } from '../features/feature-spec.js';
import type { OutputSpec } from '../features/output-spec.js';
import { validateFeatureSpec } from '../features/validate-feature-spec.js';
import { validateOutputSpec } from '../features/validate-output-spec.js';
import { validateModelSpec, type ModelSpec } from '../inference/model-spec.js';
import { findField } from './avro-schema-file.js';
import type { ConfigIssue } from './config-schema.js';
import type { SectionValidators } from './section-validators.js';

export const defaultSectionValidators: SectionValidators<FeatureSpec, OutputSpec, ModelSpec> = {
  features: (raw, path, ctx) => validateFeatureSpec(raw, path, { mode: ctx.mode, baseDir: ctx.functionDir }),
  outputs: (raw, path, ctx) => validateOutputSpec(raw, path, { baseDir: ctx.functionDir }),
  model: (raw, path) => validateModelSpec(raw, path),
};

function isFeatureSpec(v: unknown): v is FeatureSpec {
  return typeof v === 'object' && v !== null && Array.isArray((v as { inputs?: unknown }).inputs);
}

function isOutputSpec(v: unknown): v is OutputSpec {
  return typeof v === 'object' && v !== null && Array.isArray((v as { fields?: unknown }).fields);
}

/**
 * Field references of validated features/outputs against the input and output Avro schemas. `provided`
 * names record fields added before features are read (featureSources, streamFeatures).
 */
export function checkSchemaReferences(features: unknown, outputs: unknown, input: avro.Type, output: avro.Type, issues: ConfigIssue[], provided: ReadonlySet<string> = new Set()): void {
  if (isFeatureSpec(features)) {
    features.inputs.forEach((inp, i) => {
      inp.columns.forEach((c, j) => {
        if (provided.has(c.field)) return;
        const found = findField(input, c.field);
        if ('problem' in found) issues.push({ field: `features[${i}].columns[${j}].field`, message: found.problem, fix: found.fix });
      });
    });
  }
  if (isOutputSpec(outputs)) {
    for (const { name, spec } of outputs.fields) {
      const target = findField(output, name);
      if ('problem' in target) issues.push({ field: `outputs.${name}`, message: `${target.problem} (the output schema)`, fix: `add the field to the output schema or remove it here; ${target.fix}` });
      if (spec.kind === 'field' && !provided.has(spec.from)) {
        const source = findField(input, spec.from);
        if ('problem' in source) issues.push({ field: `outputs.${name}.from`, message: source.problem, fix: source.fix });
      }
    }
  }
}
