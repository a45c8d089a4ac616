/**
 * Dynamic int8 quantization of a float graph, as onnxruntime's Python `quantize_dynamic` does
 * it for MatMul (weight_type QInt8, per-tensor): every MatMul whose second input is a 2-D
 * float32 initializer gets int8 weights, symmetric with zero point 0, and its activation is
 * quantized at run time:
 *
 *   DynamicQuantizeLinear(A) -> A_q (uint8), A_scale, A_zp
 *   MatMulInteger(A_q, W_q, A_zp, W_zp) -> int32 -> Cast(float) -> Mul(A_scale * W_scale)
 *
 * onnxruntime's CPU provider fuses that chain into one DynamicQuantizeMatMul kernel. Only
 * matrix products are quantized; Gather, LayerNorm, Softmax and the rest stay float.
 */
import { attr, encodeModel, onnxDataType, type GraphSpec, type NodeSpec, type TensorSpec } from './onnx-graph-builder.ts';

/** int8 range used for symmetric weights: [-127, 127], so that -x is representable for every x. */
const QMAX = 127;

/** A weight quantized to int8 with one scale for the whole tensor. */
export interface QuantizedWeight {
  data: Int8Array;
  scale: number;
}

/** Round half to even, like numpy's rint that onnxruntime's quantizer uses. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Symmetric per-tensor int8 quantization: scale = max|w| / 127, q = rint(w / scale).
 * @example const { data, scale } = quantizeWeightSymmetric(Float32Array.of(0.5, -1)); // [64, -127], 1/127
 */
export function quantizeWeightSymmetric(w: Float32Array): QuantizedWeight {
  let absMax = 0;
  for (let i = 0; i < w.length; i++) {
    const a = Math.abs(w[i]!);
    if (a > absMax) absMax = a;
  }
  // An all-zero tensor would give scale 0 and divide by zero; ORT uses scale 1 there too.
  const scale = absMax > 0 ? absMax / QMAX : 1;
  const inv = 1 / scale;
  const data = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const q = rint(w[i]! * inv);
    data[i] = q > QMAX ? QMAX : q < -QMAX ? -QMAX : q;
  }
  return { data, scale: Math.fround(scale) };
}

function isQuantizableWeight(t: TensorSpec | undefined): t is TensorSpec & { data: Float32Array } {
  return t !== undefined && t.elemType === 'float32' && t.dims.length === 2 && t.data instanceof Float32Array;
}

/**
 * Rewrites the graph description with quantized MatMuls; other nodes are kept as they are.
 * A float weight that no other node reads is dropped; one activation feeding several MatMuls
 * (Q, K and V read the same hidden state) is quantized once, as onnxruntime does.
 * @example const q8 = quantizeDynamicGraph(buildBertGraph(getShape('tiny'), 42));
 */
export function quantizeDynamicGraph(graph: GraphSpec): GraphSpec {
  const initializers = new Map(graph.initializers.map((t) => [t.name, t]));
  const readers = new Map<string, number>();
  for (const n of graph.nodes) for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);

  const newInitializers: TensorSpec[] = [];
  const quantizedWeights = new Map<string, { q: string; scale: string; zp: string }>();
  const quantizedActivations = new Map<string, { q: string; scale: string; zp: string }>();
  const dropped = new Set<string>();
  const nodes: NodeSpec[] = [];

  const weightOf = (name: string, t: TensorSpec & { data: Float32Array }) => {
    let w = quantizedWeights.get(name);
    if (!w) {
      const { data, scale } = quantizeWeightSymmetric(t.data);
      w = { q: `${name}_quantized`, scale: `${name}_scale`, zp: `${name}_zero_point` };
      newInitializers.push(
        { name: w.q, elemType: 'int8', dims: [...t.dims], data },
        { name: w.scale, elemType: 'float32', dims: [], data: Float32Array.of(scale) },
        { name: w.zp, elemType: 'int8', dims: [], data: new Int8Array(1) },
      );
      quantizedWeights.set(name, w);
    }
    return w;
  };

  const activationOf = (name: string) => {
    let a = quantizedActivations.get(name);
    if (!a) {
      a = { q: `${name}_quantized`, scale: `${name}_scale`, zp: `${name}_zero_point` };
      nodes.push({
        name: `${name}_QuantizeLinear`,
        opType: 'DynamicQuantizeLinear',
        inputs: [name],
        outputs: [a.q, a.scale, a.zp],
      });
      quantizedActivations.set(name, a);
    }
    return a;
  };

  for (const node of graph.nodes) {
    const [input, weightName] = node.inputs;
    const weight = weightName === undefined ? undefined : initializers.get(weightName);
    if (node.opType !== 'MatMul' || input === undefined || weightName === undefined || !isQuantizableWeight(weight)) {
      nodes.push(node);
      continue;
    }
    const w = weightOf(weightName, weight);
    const a = activationOf(input);
    const out = node.outputs[0]!;
    const base = node.name;
    const integer = `${out}_MatMulInteger`;
    const asFloat = `${integer}_cast`;
    const scales = `${base}_scales_mul`;
    nodes.push(
      { name: `${base}_MatMulInteger`, opType: 'MatMulInteger', inputs: [a.q, w.q, a.zp, w.zp], outputs: [integer] },
      { name: `${base}_cast`, opType: 'Cast', inputs: [integer], outputs: [asFloat], attributes: { to: attr.int(onnxDataType('float32')) } },
      { name: `${base}_scales_mul`, opType: 'Mul', inputs: [a.scale, w.scale], outputs: [scales] },
      { name: `${base}_output_mul`, opType: 'Mul', inputs: [asFloat, scales], outputs: [out] },
    );
    readers.set(weightName, readers.get(weightName)! - 1);
    if (readers.get(weightName) === 0) dropped.add(weightName);
  }

  return {
    ...graph,
    initializers: [...graph.initializers.filter((t) => !dropped.has(t.name)), ...newInitializers],
    nodes,
  };
}

/**
 * The int8 model's bytes: {@link quantizeDynamicGraph} then encode.
 * @example await writeFile('onnx/model_quantized.onnx', quantizeDynamic(floatGraph));
 */
export function quantizeDynamic(graph: GraphSpec, opts: { docString?: string } = {}): Buffer {
  return encodeModel(quantizeDynamicGraph(graph), opts);
}
