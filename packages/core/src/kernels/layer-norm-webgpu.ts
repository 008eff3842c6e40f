// Fused layer norm for WebGPU: one kernel per direction instead of ~9 forward and ~20 backward ops. One workgroup
// normalises one row (mean, biased variance, scale, shift); the backward recomputes the row's statistics.
import * as tf from '@tensorflow/tfjs-core';
import { flatDispatch, input, registerProgramKernel, rowWorkgroupSize, type UniformValue, type WebGpuProgram, workgroupReduceSnippet } from './webgpu-program.js';

export const FUSED_LAYER_NORM = 'SplitLoraLayerNorm';
const FUSED_LAYER_NORM_GRAD = 'SplitLoraLayerNormGrad';
/** Shared WGSL: mean and reciprocal standard deviation of row `row` of x (rows, cols), two passes. */
const ROW_STATS = `
  fn rowStats(row : i32, rows : i32, cols : i32) -> vec2<f32> {
    var sum = 0.0;
    if (row < rows) {
      for (var c = i32(localIndex); c < cols; c += WG) { sum += x[row * cols + c]; }
    }
    let mean = workgroupSum(sum) / f32(cols);
    var squares = 0.0;
    if (row < rows) {
      for (var c = i32(localIndex); c < cols; c += WG) {
        let d = x[row * cols + c] - mean;
        squares += d * d;
      }
    }
    let variance = workgroupSum(squares) / f32(cols);
    return vec2<f32>(mean, inverseSqrt(variance + uniforms.eps));
  }`;

/** Forward: x, gamma, beta (rows, cols) → (x − mean) / sqrt(var + eps) · gamma + beta. */
const FORWARD_MAIN = `
    if (row < rows) {
      for (var c = i32(localIndex); c < cols; c += WG) {
        let i = row * cols + c;
        setOutputAtIndex(i, (x[i] - stats.x) * stats.y * gamma[c] + beta[c]);
      }
    }`;

/** Backward: x, gamma, dy → dx = rstd · (g − mean(g) − x̂ · mean(g · x̂)), g = dy · gamma, x̂ the normalised x. */
const BACKWARD_MAIN = `
    var sumG = 0.0;
    var sumGx = 0.0;
    if (row < rows) {
      for (var c = i32(localIndex); c < cols; c += WG) {
        let i = row * cols + c;
        let g = dy[i] * gamma[c];
        sumG += g;
        sumGx += g * (x[i] - stats.x) * stats.y;
      }
    }
    let meanG = workgroupSum(sumG) / f32(cols);
    let meanGx = workgroupSum(sumGx) / f32(cols);
    if (row < rows) {
      for (var c = i32(localIndex); c < cols; c += WG) {
        let i = row * cols + c;
        let xhat = (x[i] - stats.x) * stats.y;
        setOutputAtIndex(i, stats.y * (dy[i] * gamma[c] - meanG - xhat * meanGx));
      }
    }`;

/** One workgroup per row of x (any rank; rows of its last axis), sized to the row; the output has x's shape. */
class LayerNormProgram implements WebGpuProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms = 'eps : f32, rows : i32, cols : i32,';

  constructor(private readonly direction: 'forward' | 'backward', shape: number[]) {
    const cols = shape.at(-1)!;
    const size = rowWorkgroupSize(cols);
    this.variableNames = direction === 'forward' ? ['x', 'gamma', 'beta'] : ['x', 'gamma', 'dy'];
    this.shaderKey = `splitloraLayerNorm_${direction}_${size}`;
    this.outputShape = shape;
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    this.workgroupSize = [size, 1, 1];
    this.dispatch = flatDispatch((shape.reduce((a, b) => a * b, 1) / cols) * size, size);
  }

  getUserCode(): string {
    return `
  const WG = ${this.workgroupSize[0]};
  ${workgroupReduceSnippet(this.workgroupSize[0])}
  ${ROW_STATS}
  fn main(index : i32) {
    let rows = uniforms.rows;
    let cols = uniforms.cols;
    let row = index / WG;
    let stats = rowStats(row, rows, cols);
    ${this.direction === 'forward' ? FORWARD_MAIN : BACKWARD_MAIN}
  }`;
  }
}

for (const [kernelName, direction] of [[FUSED_LAYER_NORM, 'forward'], [FUSED_LAYER_NORM_GRAD, 'backward']] as const) {
  registerProgramKernel(kernelName, (args) => {
    const { shape } = input(args, 'x');
    const cols = shape.at(-1)!;
    const rows = shape.reduce((a, b) => a * b, 1) / cols;
    const uniforms: UniformValue[] = [{ type: 'float32', data: [args.attrs!['epsilon'] as number] }, { type: 'int32', data: [rows] }, { type: 'int32', data: [cols] }];
    return { program: new LayerNormProgram(direction, shape), uniforms };
  });
}

tf.registerGradient({
  kernelName: FUSED_LAYER_NORM,
  inputsToSave: ['x', 'gamma'],
  gradFunc: (dy, saved, attrs) => {
    const [x, gamma] = saved as [tf.Tensor, tf.Tensor1D];
    const g = dy as tf.Tensor;
    const epsilon = attrs['epsilon'] as number;
    const leading = x.shape.slice(0, -1).map((_, i) => i); // every axis but the normalised one
    /** x̂ by the unfused ops: only needed for gamma's gradient, which a frozen layer norm never asks for. */
    const normalized = () => {
      const centered = tf.sub(x, tf.mean(x, -1, true));
      return tf.mul(centered, tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), epsilon)));
    };
    return {
      x: () => tf.engine().runKernel(FUSED_LAYER_NORM_GRAD, { x, gamma, dy: g }, { epsilon }) as tf.Tensor,
      gamma: () => tf.sum(tf.mul(g, normalized()), leading),
      beta: () => tf.sum(g, leading),
    };
  },
});

/** Layer norm over the last axis of x (..., E) with weight and bias (E), as one WebGPU kernel. */
export function fusedLayerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.engine().runKernel(FUSED_LAYER_NORM, { x, gamma: weight, beta: bias }, { epsilon }) as tf.Tensor;
}
