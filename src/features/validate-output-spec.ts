/** Validates the `outputs:` section of a function file into an OutputSpec. */
import { type RawObject, type Validated, SpecReader, joinPath } from '../inference/spec-reader.js';
import { OUTPUT_KINDS, type OutputFieldSpec, type OutputSpec } from './output-spec.js';
import { readVocabulary } from './validate-feature-spec.js';

export interface OutputSpecOptions {
  /** Directory that `vocabularyFile` paths are relative to (the function directory). */
  readonly baseDir?: string;
}

const KIND_KEYS: Record<(typeof OUTPUT_KINDS)[number], readonly string[]> = {
  score: ['output', 'index'],
  label: ['output', 'index', 'threshold', 'labels'],
  topK: ['output', 'k', 'vocabulary', 'vocabularyFile'],
  field: ['from'],
};

function readField(r: SpecReader, name: string, o: RawObject, path: string, baseDir: string | undefined): OutputFieldSpec | undefined {
  const kind = r.oneOf(o, 'kind', path, OUTPUT_KINDS);
  if (kind === undefined) return undefined;
  r.knownKeys(o, ['kind', ...KIND_KEYS[kind]], path);
  const before = r.errors.length;
  let spec: OutputFieldSpec;
  switch (kind) {
    case 'field': {
      const from = r.string(o, 'from', path, name);
      spec = { kind, from, fromPath: from.split('.') };
      break;
    }
    case 'score':
      spec = { kind, output: r.string(o, 'output', path) ?? '', index: r.number(o, 'index', path, { min: 0, integer: true, default: 0 }) ?? 0 };
      break;
    case 'label': {
      const threshold = o.threshold === undefined ? undefined : r.number(o, 'threshold', path);
      const labels = o.labels === undefined ? undefined : r.stringList(o.labels, joinPath(path, 'labels'));
      if (threshold !== undefined && labels !== undefined && labels.length !== 2) {
        r.error(joinPath(path, 'labels'), `a threshold label needs exactly 2 labels [below, above], got ${labels.length}`);
      }
      if (threshold === undefined && o.threshold === undefined && labels === undefined) {
        r.error(path, 'a label needs a threshold (binary) or labels (arg-max over the output)', 'e.g. threshold: 0.5');
      }
      spec = { kind, output: r.string(o, 'output', path) ?? '', index: r.number(o, 'index', path, { min: 0, integer: true, default: 0 }) ?? 0, threshold, labels };
      break;
    }
    case 'topK':
      spec = {
        kind,
        output: r.string(o, 'output', path) ?? '',
        k: r.number(o, 'k', path, { min: 1, max: 10_000, integer: true }) ?? 1,
        vocabulary: readVocabulary(r, o, path, baseDir) ?? [],
      };
      if (spec.k > spec.vocabulary.length && spec.vocabulary.length > 0) {
        r.error(joinPath(path, 'k'), `k (${spec.k}) exceeds the vocabulary size (${spec.vocabulary.length})`);
      }
      break;
  }
  return r.errors.length === before ? spec : undefined;
}

/** Validates `outputs:` (a mapping of output record field → source). */
export function validateOutputSpec(raw: unknown, path = 'outputs', options: OutputSpecOptions = {}): Validated<OutputSpec> {
  const r = new SpecReader();
  const o = r.object(raw, path);
  if (o === undefined) return r.result<OutputSpec>(undefined);
  const fields: { name: string; spec: OutputFieldSpec }[] = [];
  for (const [name, value] of Object.entries(o)) {
    const fieldPath = joinPath(path, name);
    const fo = r.object(value, fieldPath);
    if (fo === undefined) continue;
    const spec = readField(r, name, fo, fieldPath, options.baseDir);
    if (spec !== undefined) fields.push({ name, spec });
  }
  if (fields.length === 0 && r.errors.length === 0) r.error(path, 'must map at least one output field', 'e.g. score: { kind: score, output: <model output> }');
  return r.result<OutputSpec>({ fields });
}
