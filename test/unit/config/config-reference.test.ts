import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigReference } from '../../../src/config/config-reference.js';
import { forEachField } from '../../../src/config/config-schema.js';
import { functionConfigSchema } from '../../../src/config/function-config-schema.js';
import { workerConfigSchema } from '../../../src/config/worker-config.js';

const file = fileURLToPath(new URL('../../../docs/config-reference.md', import.meta.url));

describe('docs/config-reference.md', () => {
  it('is up to date with the schemas (regenerate: npx tsx scripts/gen-config-docs.ts)', () => {
    assert.equal(readFileSync(file, 'utf8'), renderConfigReference());
  });

  it('documents every field of both schemas', () => {
    const text = renderConfigReference();
    for (const schema of [workerConfigSchema, functionConfigSchema]) {
      forEachField(schema, (path, spec) => {
        assert.ok(text.includes(`| \`${path}\` |`), `${path} missing`);
        assert.ok(spec.doc.length > 10, `${path} needs a description`);
      });
    }
    assert.ok(text.includes('| `batching.maxBatchBytes` | size | `4MiB` |'));
    assert.ok(text.includes('`STROBE_METRICS_PORT`'));
  });
});
