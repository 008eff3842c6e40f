// Fused gelu_new for WebGPU: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) as one elementwise kernel, and its
// derivative as one more, instead of 8 ops forward and their gradients backward.
import * as tf from '@tensorflow/tfjs-core';
import { ElementwiseProgram, input, registerProgramKernel, STABLE_TANH_WGSL } from './webgpu-program.js';

export const FUSED_GELU = 'SplitLoraGeluNew';
const FUSED_GELU_GRAD = 'SplitLoraGeluNewGrad';
const GELU_WGSL = `
  const SQRT_2_OVER_PI = ${Math.sqrt(2 / Math.PI)};
  const CUBIC = 0.044715;
  ${STABLE_TANH_WGSL}`;

/** y = gelu_new(x) (forward) or dx = dy · gelu_new'(x) (backward), elementwise over x's shape. */
class GeluNewProgram extends ElementwiseProgram {
  constructor(private readonly direction: 'forward' | 'backward', shape: number[]) {
    super(direction === 'forward' ? ['x'] : ['x', 'dy'], `splitloraGeluNew_${direction}`, shape);
  }

  getUserCode(): string {
    const body = this.direction === 'forward'
      ? 'setOutputAtIndex(index, 0.5 * v * (1.0 + t));'
      // d/dx: 0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)
      : 'setOutputAtIndex(index, dy[index] * (0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3.0 * CUBIC * v * v)));';
    return `
  ${GELU_WGSL}
  fn main(index : i32) {
    if (index < uniforms.size) {
      let v = x[index];
      let t = stableTanh(SQRT_2_OVER_PI * (v + CUBIC * v * v * v));
      ${body}
    }
  }`;
  }
}

for (const [kernelName, direction] of [[FUSED_GELU, 'forward'], [FUSED_GELU_GRAD, 'backward']] as const) {
  registerProgramKernel(kernelName, (args) => ({ program: new GeluNewProgram(direction, input(args, 'x').shape) }));
}

tf.registerGradient({
  kernelName: FUSED_GELU,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => ({ x: () => tf.engine().runKernel(FUSED_GELU_GRAD, { x: saved[0]!, dy: dy as tf.Tensor }) as tf.Tensor }),
});

/** gelu_new(x) as one WebGPU kernel. */
export function fusedGeluNew(x: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(FUSED_GELU, { x }) as tf.Tensor;
}
