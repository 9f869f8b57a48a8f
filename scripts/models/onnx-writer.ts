/**
 * Writes ONNX models with protobufjs from a minimal subset of onnx.proto (only the messages and fields a
 * feed-forward graph needs), so Strobe can export the weights it trains in TF.js to an ONNX file without
 * Python. Field numbers follow onnx/onnx.proto.
 */
import protobuf from 'protobufjs';

const DATA_TYPES = { float32: 1, int32: 6, int64: 7 } as const;
export type OnnxElemType = keyof typeof DATA_TYPES;

const ATTRIBUTE_FLOAT = 1;
const ATTRIBUTE_INT = 2;

const root = protobuf.Root.fromJSON({
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            ir_version: { type: 'int64', id: 1 },
            producer_name: { type: 'string', id: 2 },
            producer_version: { type: 'string', id: 3 },
            model_version: { type: 'int64', id: 5 },
            doc_string: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            opset_import: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            metadata_props: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
          },
        },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        StringStringEntryProto: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            doc_string: { type: 'string', id: 10 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            op_type: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            type: { type: 'int32', id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            data_type: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            raw_data: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        TypeProto: {
          fields: { tensor_type: { type: 'TypeProtoTensor', id: 1 } },
        },
        TypeProtoTensor: { fields: { elem_type: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
        TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
        Dimension: { oneofs: { value: { oneof: ['dim_value', 'dim_param'] } }, fields: { dim_value: { type: 'int64', id: 1 }, dim_param: { type: 'string', id: 2 } } },
      },
    },
  },
});
const ModelProto = root.lookupType('onnx.ModelProto');

export interface OnnxValueInfo {
  readonly name: string;
  readonly elemType: OnnxElemType;
  /** A number is a fixed size; a string is a named dynamic dimension (e.g. 'batch'). */
  readonly shape: readonly (number | string)[];
}

export interface OnnxNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  /** Integers become INT attributes; `{ f: x }` a FLOAT attribute. */
  readonly attributes?: Readonly<Record<string, number | { readonly f: number }>>;
}

export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

export interface OnnxGraph {
  readonly name: string;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxInitializer[];
  /** @default 17 */
  readonly opset?: number;
  /** IR 8 pairs with opsets up to 17 and loads in onnxruntime 1.x. @default 8 */
  readonly irVersion?: number;
  readonly docString?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

function littleEndian(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i] ?? 0, true);
  return out;
}

function valueInfo(v: OnnxValueInfo): object {
  return {
    name: v.name,
    type: {
      tensor_type: {
        elem_type: DATA_TYPES[v.elemType],
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

/** Serialises a graph into ONNX ModelProto bytes. */
export function writeOnnxModel(g: OnnxGraph): Uint8Array {
  const message = {
    ir_version: g.irVersion ?? 8,
    producer_name: 'strobe',
    producer_version: '0.1.0',
    model_version: 1,
    doc_string: g.docString ?? '',
    opset_import: [{ domain: '', version: g.opset ?? 17 }],
    metadata_props: Object.entries(g.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: g.name,
      node: g.nodes.map((n, i) => ({
        input: n.inputs,
        output: n.outputs,
        name: n.name ?? `${n.opType}_${i}`,
        op_type: n.opType,
        domain: '',
        attribute: Object.entries(n.attributes ?? {}).map(([name, v]) => (typeof v === 'number' ? { name, i: v, type: ATTRIBUTE_INT } : { name, f: v.f, type: ATTRIBUTE_FLOAT })),
      })),
      initializer: g.initializers.map((t) => ({ name: t.name, dims: t.dims, data_type: DATA_TYPES.float32, raw_data: littleEndian(t.data) })),
      input: g.inputs.map(valueInfo),
      output: g.outputs.map(valueInfo),
    },
  };
  const problem = ModelProto.verify(message);
  if (problem !== null) throw new Error(`invalid ONNX model message: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(message)).finish();
}

export type DenseActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';

export interface DenseLayerWeights {
  /** Row-major [inputs, units], as in a TF.js Dense kernel. */
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly inputs: number;
  readonly units: number;
  readonly activation: DenseActivation;
}

const ACTIVATION_OPS: Readonly<Record<Exclude<DenseActivation, 'linear'>, string>> = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', softmax: 'Softmax' };

/** A stack of dense layers as Gemm (+ activation) nodes, with a dynamic batch dimension named `batch`. */
export function denseGraph(options: { name: string; input: string; output: string; layers: readonly DenseLayerWeights[]; metadata?: Record<string, string>; docString?: string }): OnnxGraph {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxInitializer[] = [];
  let current = options.input;
  options.layers.forEach((layer, i) => {
    if (layer.kernel.length !== layer.inputs * layer.units || layer.bias.length !== layer.units) {
      throw new Error(`layer ${i}: kernel ${layer.kernel.length} / bias ${layer.bias.length} do not fit [${layer.inputs}, ${layer.units}]`);
    }
    const last = i === options.layers.length - 1;
    const w = `dense_${i}/kernel`;
    const b = `dense_${i}/bias`;
    initializers.push({ name: w, dims: [layer.inputs, layer.units], data: layer.kernel }, { name: b, dims: [layer.units], data: layer.bias });
    const linearOut = last && layer.activation === 'linear' ? options.output : `dense_${i}/linear`;
    nodes.push({ opType: 'Gemm', inputs: [current, w, b], outputs: [linearOut], name: `dense_${i}/Gemm` });
    current = linearOut;
    if (layer.activation !== 'linear') {
      const out = last ? options.output : `dense_${i}/${layer.activation}`;
      nodes.push({ opType: ACTIVATION_OPS[layer.activation], inputs: [current], outputs: [out], name: `dense_${i}/${ACTIVATION_OPS[layer.activation]}`, attributes: layer.activation === 'softmax' ? { axis: -1 } : {} });
      current = out;
    }
  });
  const first = options.layers[0];
  const lastLayer = options.layers[options.layers.length - 1];
  if (first === undefined || lastLayer === undefined) throw new Error('denseGraph needs at least one layer');
  return {
    name: options.name,
    inputs: [{ name: options.input, elemType: 'float32', shape: ['batch', first.inputs] }],
    outputs: [{ name: options.output, elemType: 'float32', shape: ['batch', lastLayer.units] }],
    nodes,
    initializers,
    metadata: options.metadata,
    docString: options.docString,
  };
}
