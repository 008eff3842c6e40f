// Fused cross-entropy of the tied head for WebGPU, per row chunk (train/head-loss.ts): after logits = h·wteᵀ, one
// kernel gives each row's loss from its log-sum-exp, another the row's softmax minus the (label-smoothed) target,
// and d(loss)/dh's base is that times wte — four dispatches per chunk where the unfused chunk takes ~18.
import * as tf from '@tensorflow/tfjs-core';
import { flatDispatch, input, registerProgramKernel, rowWorkgroupSize, type WebGpuProgram, workgroupReduceSnippet } from './webgpu-program.js';

export const FUSED_HEAD_LOSS = 'SplitLoraHeadLossRows';
const FUSED_HEAD_SOFTMAX_MINUS_TARGET = 'SplitLoraHeadSoftmaxMinusTarget';

/**
 * One workgroup per row of logits (n, V), sized to V, with targets (n): 'loss' writes
 * (1−ε)(lse − z_target) + ε(lse − mean z) per row (n); 'gradient' writes softmax(z) − (1−ε)·onehot(target) − ε/V (n, V).
 */
class HeadLossProgram implements WebGpuProgram {
  variableNames = ['logits', 'targets'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms = 'eps : f32,';

  constructor(private readonly kind: 'loss' | 'gradient', rows: number, vocab: number) {
    const size = rowWorkgroupSize(vocab);
    this.outputShape = kind === 'loss' ? [rows] : [rows, vocab];
    this.dispatchLayout = { x: this.outputShape.map((_, i) => i) };
    this.shaderKey = `splitloraHeadLoss_${kind}_${size}`;
    this.workgroupSize = [size, 1, 1];
    this.dispatch = flatDispatch(rows * size, size);
  }

  getUserCode(): string {
    const loss = `
    let meanLogit = workgroupSum(sumLogits) / f32(V);
    if (valid && localIndex == 0u) {
      let lse = rowMax + log(sumExp);
      setOutputAtIndex(row, (1.0 - uniforms.eps) * (lse - logits[at + targets[row]]) + uniforms.eps * (lse - meanLogit));
    }`;
    const gradient = `
    if (valid) {
      let label = targets[row];
      for (var v = i32(localIndex); v < V; v += WG) {
        var value = exp(logits[at + v] - rowMax) / sumExp - uniforms.eps / f32(V);
        if (v == label) { value -= 1.0 - uniforms.eps; }
        setOutputAtIndex(at + v, value);
      }
    }`;
    return `
  const WG = ${this.workgroupSize[0]};
  ${workgroupReduceSnippet(this.workgroupSize[0])}
  fn main(index : i32) {
    let rows = uniforms.logitsShape.x;
    let V = uniforms.logitsShape.y;
    let row = index / WG;
    let valid = row < rows;
    let at = row * V;
    var localMax = -3.0e38;
    var sumLogits = 0.0;
    if (valid) {
      for (var v = i32(localIndex); v < V; v += WG) {
        localMax = max(localMax, logits[at + v]);
        sumLogits += logits[at + v];
      }
    }
    let rowMax = workgroupMax(localMax);
    var localSum = 0.0;
    if (valid) {
      for (var v = i32(localIndex); v < V; v += WG) { localSum += exp(logits[at + v] - rowMax); }
    }
    let sumExp = workgroupSum(localSum);
    ${this.kind === 'loss' ? loss : gradient}
  }`;
  }
}

for (const [kernelName, kind] of [[FUSED_HEAD_LOSS, 'loss'], [FUSED_HEAD_SOFTMAX_MINUS_TARGET, 'gradient']] as const) {
  registerProgramKernel(kernelName, (args) => {
    const [rows, vocab] = input(args, 'logits').shape as [number, number];
    return { program: new HeadLossProgram(kind, rows, vocab), uniforms: [{ type: 'float32', data: [args.attrs!['labelSmoothing'] as number] }] };
  });
}

/**
 * One chunk of rows h (n, E) with targets (n): the per-row losses, and with `withGrad` softmax·wte − target·wte
 * (n, E) (the smoothed target), as train/head-loss.ts's unfused chunk gives them. Not differentiable itself: the head's
 * custom gradient uses gradBase.
 */
export function fusedHeadChunk(
  h: tf.Tensor2D, targets: tf.Tensor1D, wte: tf.Tensor2D, wteT: tf.Tensor2D | null, labelSmoothing: number, withGrad: boolean,
): { perToken: tf.Tensor1D; gradBase?: tf.Tensor2D } {
  const logits = wteT !== null ? tf.matMul(h, wteT) : tf.matMul(h, wte, false, true); // (n, V)
  const perToken = tf.engine().runKernel(FUSED_HEAD_LOSS, { logits, targets }, { labelSmoothing }) as tf.Tensor1D; // (n)
  if (!withGrad) return { perToken };
  const dLogits = tf.engine().runKernel(FUSED_HEAD_SOFTMAX_MINUS_TARGET, { logits, targets }, { labelSmoothing }) as tf.Tensor2D; // (n, V)
  return { perToken, gradBase: tf.matMul(dLogits, wte) as tf.Tensor2D }; // (n, E)
}
