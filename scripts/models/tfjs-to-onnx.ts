/** Reads the dense layers of a TF.js layers model into the ONNX writer's layer format. */
import type * as Tf from '@tensorflow/tfjs';
import type { DenseActivation, DenseLayerWeights } from './onnx-writer.js';

const ACTIVATIONS: readonly string[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];

export function denseLayers(model: Tf.LayersModel): DenseLayerWeights[] {
  const out: DenseLayerWeights[] = [];
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls === 'InputLayer') continue;
    if (cls !== 'Dense') throw new Error(`layer ${layer.name} is a ${cls}; only Dense stacks export to ONNX here`);
    const [kernel, bias] = layer.getWeights();
    if (kernel === undefined || bias === undefined) throw new Error(`layer ${layer.name} has no bias`);
    const configured = layer.getConfig().activation;
    const activation = typeof configured === 'string' ? configured : 'linear';
    if (!ACTIVATIONS.includes(activation)) throw new Error(`layer ${layer.name}: activation ${activation} is not supported`);
    const [inputs, units] = kernel.shape as [number, number];
    out.push({ kernel: kernel.dataSync() as Float32Array, bias: bias.dataSync() as Float32Array, inputs, units, activation: activation as DenseActivation });
  }
  return out;
}
