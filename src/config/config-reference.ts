/**
 * Renders docs/config-reference.md from the convict schemas, so the reference cannot drift from the
 * code (a unit test fails when the committed file is stale; `npx tsx scripts/gen-config-docs.ts` rewrites it).
 */
import { formatByteSize } from './byte-size.js';
import { forEachField, type FieldSpec, type SchemaGroup } from './config-schema.js';
import { functionConfigSchema } from './function-config-schema.js';
import { workerConfigSchema } from './worker-config.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Prose cells: angle brackets would read as HTML tags. */
function prose(text: string): string {
  return cell(text).replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function defaultText(spec: FieldSpec): string {
  if (spec.defaultDoc !== undefined) return spec.defaultDoc;
  if (spec.default === null) return spec.nullable === true ? '(unset)' : '**required**';
  if (spec.type === 'size' && typeof spec.default === 'number') return formatByteSize(spec.default);
  return JSON.stringify(spec.default);
}

function table(schema: SchemaGroup, withEnv: boolean): string {
  const rows: string[] = [];
  rows.push(withEnv ? '| field | type | default | environment | description |' : '| field | type | default | description |');
  rows.push(withEnv ? '|---|---|---|---|---|' : '|---|---|---|---|');
  forEachField(schema, (path, spec) => {
    const cells = [`\`${path}\``, cell(spec.type), `\`${cell(defaultText(spec))}\``];
    if (withEnv) cells.push(spec.env === undefined ? '' : `\`${spec.env}\``);
    cells.push(prose(spec.doc + (spec.sensitive === true ? ' (secret: never logged)' : '')));
    rows.push(`| ${cells.join(' | ')} |`);
  });
  return rows.join('\n');
}

export function renderConfigReference(): string {
  return `<!-- Generated from src/config/*-schema by scripts/gen-config-docs.ts. Do not edit by hand. -->
# Strobe configuration reference

## Worker config

One per worker process. Sources, lowest to highest precedence: the defaults below, a YAML or JSON file
(\`--config\` or \`STROBE_CONFIG\`; relative paths in it are relative to the file), \`STROBE_*\` environment
variables, command-line flags. Unknown fields are errors.

${table(workerConfigSchema, true)}

## Function config: \`functions/<name>/function.yaml\`

One directory per function. Names follow Pulsar Functions' FunctionConfig where the meaning is the same.
Short topic names resolve to \`persistent://<tenant>/<namespace>/<name>\`. Unknown fields are errors, and
\`strobe validate\` reports every problem with the file, the field and the fix.

${table(functionConfigSchema, false)}

Rules across fields:
- \`retainOrdering\` and \`retainKeyOrdering\` exclude each other; \`retainOrdering\` means a Failover
  subscription and \`retainKeyOrdering\` a Key_Shared one, and an explicit \`subscriptionType\` must agree.
- \`processingGuarantees: EFFECTIVELY_ONCE\` and \`MANUAL\` are refused with the reason.
- \`schemas.input\` and \`schemas.output\` must exist (function directory first, then \`schemas/\`) and parse as
  Avro; \`key\` must be a scalar field of the input schema; feature fields and \`kind: field\` sources must be
  input fields, and every \`outputs\` field must be a field of the output schema.
- \`model.path\` must exist, relative to the function directory.
- The output and dead-letter topics must differ from the inputs; \`batching.maxQueuedEvents\` must be at
  least \`batching.maxBatchSize\`; \`negativeAckBackoff.minDelayMs\` at most \`maxDelayMs\`.
- Two functions must not share a subscription name on one topic.
`;
}
