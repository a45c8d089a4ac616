/**
 * A small, deterministic builder of ONNX models over the protobufjs classes of `onnx-proto`.
 *
 * The graph is first collected as a plain description ({@link GraphSpec}) so that passes such
 * as dynamic quantization can rewrite it before it is encoded; {@link encodeModel} then turns
 * a description into model bytes. Nothing time- or machine-dependent goes into the bytes (no
 * timestamps, a fixed producer name, tensors as little-endian `raw_data`), so the same
 * description always encodes to the same bytes.
 */
import { endianness } from 'node:os';
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

// onnx-proto is CommonJS that assigns its namespace at run time, so Node's ESM loader sees only
// a default export: `import { onnx } from 'onnx-proto'` fails under tsx, the default works.
const { onnx } = onnxProto;

/** Element types this builder writes. */
export type ElemType = 'float32' | 'int8' | 'uint8' | 'int32' | 'int64';

/** Typed-array storage matching each {@link ElemType}. */
export type TensorData = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

/** A constant tensor: an initializer or a `tensor` attribute. `dims: []` is a scalar. */
export interface TensorSpec {
  name: string;
  elemType: ElemType;
  dims: number[];
  data: TensorData;
}

/** A node attribute, tagged with its ONNX attribute type. */
export type AttributeSpec =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'ints'; value: number[] }
  | { type: 'tensor'; value: TensorSpec };

export interface NodeSpec {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, AttributeSpec>;
}

/** A graph input or output; a string dim is symbolic (`"batch_size"`). */
export interface ValueInfoSpec {
  name: string;
  elemType: ElemType;
  dims: Array<number | string>;
}

/** The plain description of a graph, before encoding. */
export interface GraphSpec {
  name: string;
  inputs: ValueInfoSpec[];
  outputs: ValueInfoSpec[];
  initializers: TensorSpec[];
  nodes: NodeSpec[];
}

export const PRODUCER_NAME = 'affinity-model-generator';
/** ONNX opset of the default domain (LayerNormalization needs 17). */
export const DEFAULT_OPSET = 17;
/** IR version 8 is the one that goes with opset 17. */
const IR_VERSION = 8;

const DATA_TYPE: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int8: onnx.TensorProto.DataType.INT8,
  uint8: onnx.TensorProto.DataType.UINT8,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
};

/**
 * The ONNX `TensorProto.DataType` number of an element type (the `to` of a Cast).
 * @example b.node('Cast', [mask], { to: attr.int(onnxDataType('float32')) })
 */
export function onnxDataType(elemType: ElemType): number {
  return DATA_TYPE[elemType];
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** The tensor's bytes in ONNX's little-endian `raw_data` layout, without a copy where possible. */
function rawBytes(data: TensorData): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN || data.BYTES_PER_ELEMENT === 1) return view;
  const out = new Uint8Array(view); // big-endian host: reverse the bytes of every element
  const width = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < out.length; i += width) out.subarray(i, i + width).reverse();
  return out;
}

function tensorProto(t: TensorSpec): OnnxTypes.ITensorProto {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count !== t.data.length) {
    throw new RangeError(`tensor ${t.name}: dims [${t.dims.join(',')}] hold ${count} values, data has ${t.data.length}`);
  }
  return { name: t.name, dims: t.dims, dataType: DATA_TYPE[t.elemType], rawData: rawBytes(t.data) };
}

function attributeProto(name: string, a: AttributeSpec): OnnxTypes.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case 'int':
      return { name, type: T.INT, i: a.value };
    case 'float':
      return { name, type: T.FLOAT, f: a.value };
    case 'ints':
      return { name, type: T.INTS, ints: a.value };
    case 'tensor':
      return { name, type: T.TENSOR, t: tensorProto(a.value) };
  }
}

function valueInfoProto(v: ValueInfoSpec): OnnxTypes.IValueInfoProto {
  const dim = v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name: v.name, type: { tensorType: { elemType: DATA_TYPE[v.elemType], shape: { dim } } } };
}

/**
 * Encodes a graph description as a complete ONNX model (opset 17, IR 8).
 * @example const bytes = encodeModel(builder.toGraph()); await writeFile('model.onnx', bytes);
 */
export function encodeModel(graph: GraphSpec, opts: { docString?: string } = {}): Buffer {
  const model: OnnxTypes.IModelProto = {
    irVersion: IR_VERSION,
    producerName: PRODUCER_NAME,
    opsetImport: [{ domain: '', version: DEFAULT_OPSET }],
    docString: opts.docString ?? '',
    graph: {
      name: graph.name,
      input: graph.inputs.map(valueInfoProto),
      output: graph.outputs.map(valueInfoProto),
      initializer: graph.initializers.map(tensorProto),
      node: graph.nodes.map((n) => ({
        name: n.name,
        opType: n.opType,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([k, a]) => attributeProto(k, a)),
      })),
    },
  };
  const bytes = onnx.ModelProto.encode(model).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Attribute shorthands, so graph code reads like the operator spec. */
export const attr = {
  int: (value: number): AttributeSpec => ({ type: 'int', value }),
  float: (value: number): AttributeSpec => ({ type: 'float', value }),
  ints: (value: number[]): AttributeSpec => ({ type: 'ints', value }),
  tensor: (value: TensorSpec): AttributeSpec => ({ type: 'tensor', value }),
};

/**
 * Collects initializers, nodes, inputs and outputs, naming node outputs uniquely.
 * @example
 * const b = new OnnxGraphBuilder('g');
 * b.addInput('x', 'float32', ['batch_size', 4]);
 * const w = b.addInitializer('w', 'float32', [4, 2], new Float32Array(8));
 * b.addOutput(b.node('MatMul', ['x', w], {}, 'y'), 'float32', ['batch_size', 2]);
 */
export class OnnxGraphBuilder {
  private readonly inputs: ValueInfoSpec[] = [];
  private readonly outputs: ValueInfoSpec[] = [];
  private readonly initializers: TensorSpec[] = [];
  private readonly nodes: NodeSpec[] = [];
  private readonly names = new Set<string>();
  private readonly opCounts = new Map<string, number>();

  constructor(private readonly name: string) {}

  addInput(name: string, elemType: ElemType, dims: Array<number | string>): string {
    this.claim(name);
    this.inputs.push({ name, elemType, dims });
    return name;
  }

  /** Declares an existing value (a node output or an input) as a graph output. */
  addOutput(name: string, elemType: ElemType, dims: Array<number | string>): string {
    this.outputs.push({ name, elemType, dims });
    return name;
  }

  addInitializer(name: string, elemType: ElemType, dims: number[], data: TensorData): string {
    this.claim(name);
    this.initializers.push({ name, elemType, dims, data });
    return name;
  }

  /** A float32 constant (scalar when `dims` is `[]`), named after `name`. */
  addFloats(name: string, dims: number[], values: number[]): string {
    return this.addInitializer(name, 'float32', dims, Float32Array.from(values));
  }

  /** An int64 constant, the type ONNX wants for shapes, axes and indices. */
  addInt64s(name: string, dims: number[], values: number[]): string {
    return this.addInitializer(name, 'int64', dims, BigInt64Array.from(values, BigInt));
  }

  /**
   * Adds a node with one output and returns the output's name: `output` when given, else
   * `<OpType>_<n>_output` (a node with several outputs goes through {@link addNode}).
   */
  node(opType: string, inputs: string[], attributes: Record<string, AttributeSpec> = {}, output?: string): string {
    const n = (this.opCounts.get(opType) ?? 0) + 1;
    this.opCounts.set(opType, n);
    const out = output ?? `/${opType}_${n}_output_0`;
    this.addNode({ name: `/${opType}_${n}`, opType, inputs, outputs: [out], attributes });
    return out;
  }

  addNode(node: NodeSpec): void {
    for (const o of node.outputs) this.claim(o);
    this.nodes.push(node);
  }

  /** The collected description; arrays are copies, tensors are shared. */
  toGraph(): GraphSpec {
    return {
      name: this.name,
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      initializers: [...this.initializers],
      nodes: [...this.nodes],
    };
  }

  // A value name defined twice makes an invalid graph that ORT reports far from the cause.
  private claim(name: string): void {
    if (this.names.has(name)) throw new RangeError(`ONNX value "${name}" is defined twice`);
    this.names.add(name);
  }
}
