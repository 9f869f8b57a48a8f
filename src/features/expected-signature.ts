/** What a model must accept and produce for a given feature and output mapping (checked at startup). */
import type { ExpectedInput, ExpectedOutput, ExpectedSignature } from '../inference/check-signature.js';
import { type FeatureSpec, inputShape } from './feature-spec.js';
import { type OutputSpec, requiredOutputWidths } from './output-spec.js';

export function expectedInputs(features: FeatureSpec): ExpectedInput[] {
  return features.inputs.flatMap((inp, i) => [
    { name: inp.input, shape: inputShape(inp), source: `features[${i}]` },
    ...(inp.sequence?.mask !== undefined ? [{ name: inp.sequence.mask, shape: [-1, inp.sequence.length], source: `features[${i}].sequence.mask` }] : []),
  ]);
}

export function expectedOutputs(outputs: OutputSpec): ExpectedOutput[] {
  return [...requiredOutputWidths(outputs)].map(([name, minWidth]) => {
    const field = outputs.fields.find((f) => f.spec.kind !== 'field' && f.spec.output === name);
    return { name, minWidth, source: field === undefined ? undefined : `outputs.${field.name}` };
  });
}

export function expectedSignature(features: FeatureSpec, outputs: OutputSpec): ExpectedSignature {
  return { inputs: expectedInputs(features), outputs: expectedOutputs(outputs) };
}
