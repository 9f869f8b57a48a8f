import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import * as tf from '@tensorflow/tfjs';
import { prepareBackend } from '../../../src/inference/create-backend.js';
import { validateModelSpec } from '../../../src/inference/model-spec.js';
import { validateFeatureSpec } from '../../../src/features/validate-feature-spec.js';
import { validateOutputSpec } from '../../../src/features/validate-output-spec.js';
import { expectedSignature } from '../../../src/features/expected-signature.js';
import { FeatureMapper } from '../../../src/features/feature-mapper.js';
import { OutputMapper, type TopKItem } from '../../../src/features/output-mapper.js';
import { SessionGenerator, type Click } from '../../../src/generator/sessions.js';
import type { TfjsBackend } from '../../../src/inference/tfjs-backend.js';

const dir = fileURLToPath(new URL('../../../functions/session-recs/', import.meta.url));

await tf.setBackend('cpu');

describe('example session recommender (functions/session-recs)', () => {
  it('recommends the next click of live sessions far better than chance, without leaking tensors', async () => {
    const raw = parse(readFileSync(`${dir}features.yaml`, 'utf8')) as { features: unknown; outputs: unknown };
    const features = validateFeatureSpec(raw.features, 'features', { mode: 'key', baseDir: dir }).value!;
    const outputs = validateOutputSpec(raw.outputs, 'outputs', { baseDir: dir }).value!;
    const spec = validateModelSpec({ backend: 'tfjs', path: 'model-tfjs', tfjs: { backends: ['cpu'] }, warmUpBatchSize: 4 }).value!;
    const backend = (await prepareBackend(spec, { baseDir: dir }, expectedSignature(features, outputs))) as TfjsBackend;
    const mapper = new FeatureMapper(features);
    const out = new OutputMapper(outputs);

    // An interleaved click stream keyed by session, as the function would see it (same catalogue seed).
    const clicks = new SessionGenerator({ seed: 11, itemCount: 200 }).batch(6000);
    const history = new Map<string, Click[]>();
    const windows: Click[][] = [];
    const wanted: string[] = [];
    for (const c of clicks) {
      const h = history.get(c.session_id) ?? [];
      if (h.length > 0) {
        windows.push([...h]);
        wanted.push(c.item_id);
      }
      h.push(c);
      history.set(c.session_id, h);
    }
    const tensorsBefore = backend.numTensors();
    let hits = 0;
    for (let b = 0; b < windows.length; b += 256) {
      const groups = windows.slice(b, b + 256);
      const mapped = mapper.toSequenceTensor(groups);
      assert.equal(mapped.rowErrors.size, 0);
      const result = await backend.run(mapped.tensors);
      const recs = out.toRecords(result, groups.map((g) => g[g.length - 1]));
      recs.forEach((r, i) => {
        const items = r.items as TopKItem[];
        assert.equal(items.length, 10);
        assert.equal(r.last_item_id, groups[i]![groups[i]!.length - 1]!.item_id);
        if (items.some((it) => it.item_id === wanted[b + i])) hits++;
      });
    }
    assert.equal(backend.numTensors(), tensorsBefore);
    // Ten random items out of 200 would hit 5% of the time.
    assert.ok(hits / windows.length > 0.6, `hit rate@10 ${hits / windows.length}`);
    await backend.dispose();
  });

  it('model files stay small', () => {
    for (const f of ['model-tfjs/model.json', 'model-tfjs/weights.bin', 'items.txt']) assert.ok(statSync(`${dir}${f}`).size < 1_000_000, f);
  });
});
