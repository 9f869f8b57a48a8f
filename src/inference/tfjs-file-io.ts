/**
 * TF.js model files on the local disk: pure @tensorflow/tfjs has no file:// loader in Node (only
 * tfjs-node registers one), so this reads and writes the standard layout itself — model.json plus the
 * binary weight shards listed in its weightsManifest, in manifest order.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { io } from '@tensorflow/tfjs';

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(out).set(bytes);
  return out;
}

function concat(parts: readonly ArrayBuffer[]): ArrayBuffer {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out.buffer;
}

/** `path` may be model.json itself or the directory holding it. */
export function modelJsonPath(path: string): string {
  return path.endsWith('.json') ? resolve(path) : resolve(path, 'model.json');
}

/** Reads model.json and its weight shards into model artifacts for tf.loadLayersModel / loadGraphModel. */
export function fileLoadHandler(path: string): io.IOHandler {
  const jsonPath = modelJsonPath(path);
  return {
    load: async (): Promise<io.ModelArtifacts> => {
      const json = JSON.parse(await readFile(jsonPath, 'utf8')) as io.ModelJSON;
      const dir = dirname(jsonPath);
      const weightSpecs: io.WeightsManifestEntry[] = [];
      const shards: ArrayBuffer[] = [];
      for (const group of json.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const p of group.paths) shards.push(toArrayBuffer(await readFile(join(dir, p))));
      }
      const artifacts: io.ModelArtifacts = {
        modelTopology: json.modelTopology,
        weightSpecs,
        weightData: concat(shards),
      };
      if (json.format !== undefined) artifacts.format = json.format;
      if (json.generatedBy !== undefined) artifacts.generatedBy = json.generatedBy;
      if (json.convertedBy !== undefined) artifacts.convertedBy = json.convertedBy;
      if (json.trainingConfig !== undefined) artifacts.trainingConfig = json.trainingConfig;
      if (json.signature !== undefined) artifacts.signature = json.signature;
      if (json.userDefinedMetadata !== undefined) artifacts.userDefinedMetadata = json.userDefinedMetadata;
      if (json.modelInitializer !== undefined) artifacts.modelInitializer = json.modelInitializer;
      return artifacts;
    },
  };
}

/** Writes model.json and a single weights.bin shard into `dir` (created if needed). */
export function fileSaveHandler(dir: string): io.IOHandler {
  return {
    save: async (artifacts: io.ModelArtifacts): Promise<io.SaveResult> => {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('binary model topologies are not supported; save a layers model');
      await mkdir(dir, { recursive: true });
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : Array.isArray(artifacts.weightData) ? concat(artifacts.weightData) : artifacts.weightData;
      const json: io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig !== undefined) json.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata !== undefined) json.userDefinedMetadata = artifacts.userDefinedMetadata;
      const text = JSON.stringify(json);
      await writeFile(join(dir, 'model.json'), text);
      await writeFile(join(dir, 'weights.bin'), new Uint8Array(weights));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: Buffer.byteLength(JSON.stringify(json.modelTopology)),
          weightSpecsBytes: Buffer.byteLength(JSON.stringify(json.weightsManifest)),
          weightDataBytes: weights.byteLength,
        },
      };
    },
  };
}
