/** The sizes of a BERT encoder that decide its compute. */
export interface BertSizes {
  hidden: number;
  layers: number;
  intermediate: number;
}

/**
 * Floating-point operations (multiply and add counted apart) of one BERT forward pass over
 * one sequence of `tokens` tokens: the dense layers (Q, K, V, output, FFN in and out) plus
 * attention's two batched products. Padding is not counted: this is the useful work.
 */
export function bertFlops(sizes: BertSizes, tokens: number): number {
  const { hidden: h, layers, intermediate: i } = sizes;
  const dense = 2 * tokens * (4 * h * h + 2 * h * i);
  const attention = 2 * 2 * tokens * tokens * h;
  return layers * (dense + attention);
}
