// Fused AdamW update for WebGPU: the new first moment, second moment and parameter of one tensor as three
// elementwise dispatches (one engine kernel with three outputs) instead of ~15 ops and their scalar uploads.
import * as tf from '@tensorflow/tfjs-core';
import { asWebGpu, ElementwiseProgram, input, type KernelArgs, type UniformValue } from './webgpu-program.js';

export const FUSED_ADAMW = 'SplitLoraAdamW';

export interface AdamWStep {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 − beta^t, the bias corrections of this step. */
  correction1: number;
  correction2: number;
  lr: number;
  weightDecay: number;
}

/** The same arithmetic, in the same order, as train/adamw.ts's ops. */
const UPDATE = {
  m: 'm[index] * uniforms.beta1 + g[index] * uniforms.oneMinusBeta1',
  v: 'v[index] * uniforms.beta2 + (g[index] * g[index]) * uniforms.oneMinusBeta2',
  p: `p[index] * uniforms.decay - ((m[index] * uniforms.beta1 + g[index] * uniforms.oneMinusBeta1) / uniforms.correction1)
        / (sqrt((v[index] * uniforms.beta2 + (g[index] * g[index]) * uniforms.oneMinusBeta2) / uniforms.correction2) + uniforms.eps) * uniforms.lr`,
} as const;

/** The inputs each output reads (a pipeline's bindings are exactly the buffers its shader uses). */
const READS = { m: ['g', 'm'], v: ['g', 'v'], p: ['p', 'g', 'm', 'v'] } as const;

/** g and m → m′, g and v → v′, or p, g, m, v → p′ (all of one shape). */
class AdamWProgram extends ElementwiseProgram {
  override uniforms = 'beta1 : f32, oneMinusBeta1 : f32, beta2 : f32, oneMinusBeta2 : f32, correction1 : f32, correction2 : f32, eps : f32, lr : f32, decay : f32,';

  constructor(private readonly output: keyof typeof UPDATE, shape: number[]) {
    super([...READS[output]], `splitloraAdamW_${output}`, shape);
  }

  getUserCode(): string {
    return `
  fn main(index : i32) {
    if (index < uniforms.size) { setOutputAtIndex(index, ${UPDATE[this.output]}); }
  }`;
  }
}

function uniforms(s: AdamWStep): UniformValue[] {
  const values = [s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, s.correction1, s.correction2, s.epsilon, s.lr, 1 - s.lr * s.weightDecay];
  return values.map((v) => ({ type: 'float32', data: [v] }));
}

tf.registerKernel({
  kernelName: FUSED_ADAMW,
  backendName: 'webgpu',
  kernelFunc: (args: KernelArgs) => {
    const backend = asWebGpu(args.backend);
    const values = uniforms(args.attrs as unknown as AdamWStep);
    const shape = input(args, 'p').shape;
    return (['p', 'm', 'v'] as const).map((output) => {
      const program = new AdamWProgram(output, shape);
      return backend.runWebGPUProgram(program, program.variableNames.map((name) => input(args, name)), 'float32', values);
    });
  },
});

/** One AdamW step of parameter p with gradient g and moments m, v: [p′, m′, v′] (new tensors). */
export function fusedAdamWStep(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, step: AdamWStep): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(FUSED_ADAMW, { p, g, m, v }, { ...step }) as [tf.Tensor, tf.Tensor, tf.Tensor];
}
