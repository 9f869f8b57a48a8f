/** What a model must accept and produce for a given feature and output mapping (checked at startup). */
import type { ExpectedInput, ExpectedOutput, ExpectedSignature } from '../inference/check-signature.js';
import { type FeatureSpec, inputShape } from './feature-spec.js';
import { type OutputSpec, requiredOutputWidths } from './output-spec.js';

export function expectedSignature(features: FeatureSpec, outputs: OutputSpec): ExpectedSignature {
  const inputs: ExpectedInput[] = [];
  features.inputs.forEach((inp, i) => {
    const shape = inputShape(inp);
    inputs.push({ name: inp.input, shape, source: `features[${i}]` });
    if (inp.sequence?.mask !== undefined) {
      inputs.push({ name: inp.sequence.mask, shape: [-1, inp.sequence.length], source: `features[${i}].sequence.mask` });
    }
  });
  const out: ExpectedOutput[] = [];
  for (const [name, minWidth] of requiredOutputWidths(outputs)) {
    const field = outputs.fields.find((f) => f.spec.kind !== 'field' && f.spec.output === name);
    out.push({ name, minWidth, source: field === undefined ? undefined : `outputs.${field.name}` });
  }
  return { inputs, outputs: out };
}
