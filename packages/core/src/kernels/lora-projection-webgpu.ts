// Fused Conv1D projection for WebGPU: y = x·W + b, and with a LoRA branch y = x·W + b + scale·(x_d·Aᵀ)·Bᵀ placed
// into the enabled output blocks (loralib's merged q/k/v layout, or the whole output). Forward: tfjs's matMul with
// the bias in its epilogue, the thin x_d·Aᵀ, and one kernel adding the low-rank product — three dispatches where the
// unfused q/v-only path takes about a dozen (slices, zero blocks, concat, adds). x_d is the LoRA input after dropout,
// made by the caller (so the dropout mask stays the caller's); without dropout it is x itself.
import * as tf from '@tensorflow/tfjs-core';
import './lora-projection-grad-webgpu.js'; // registers the gradients
import { FUSED_LINEAR, FUSED_LORA_PROJECTION, LORA_UNIFORMS, loraLayout, loraUniforms } from './lora-projection-common.js';
import { asWebGpu, ElementwiseProgram, input, type KernelArgs, webGpuMatMul } from './webgpu-program.js';

export { FUSED_LORA_PROJECTION } from './lora-projection-common.js';

/** base (N, out), low (N, g·r), loraB (g·blockSize, r) → base + scale · low·Bᵀ in the enabled blocks. */
class LoraAddProgram extends ElementwiseProgram {
  override uniforms = LORA_UNIFORMS;

  constructor(rows: number, cols: number) {
    super(['base', 'low', 'loraB'], 'splitloraLoraAdd', [rows, cols]);
  }

  getUserCode(): string {
    return `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let cols = uniforms.baseShape.y;
      let n = index / cols;
      let c = index - n * cols;
      let group = uniforms.groupOfBlock[c / uniforms.blockSize];
      var value = base[index];
      if (group >= 0) {
        let r = uniforms.loraBShape.y;
        let lowAt = n * uniforms.lowShape.y + group * r;
        let bAt = (group * uniforms.blockSize + c % uniforms.blockSize) * r;
        var sum = 0.0;
        for (var k = 0; k < r; k++) { sum += low[lowAt + k] * loraB[bAt + k]; }
        value += uniforms.scale * sum;
      }
      setOutputAtIndex(index, value);
    }
  }`;
  }
}

tf.registerKernel({
  kernelName: FUSED_LINEAR,
  backendName: 'webgpu',
  kernelFunc: (args: KernelArgs) => webGpuMatMul(args.backend, input(args, 'x'), input(args, 'weight'), false, false, input(args, 'bias')),
});

tf.registerKernel({
  kernelName: FUSED_LORA_PROJECTION,
  backendName: 'webgpu',
  kernelFunc: (args: KernelArgs) => {
    const backend = asWebGpu(args.backend);
    const x = input(args, 'x');
    const base = webGpuMatMul(args.backend, x, input(args, 'weight'), false, false, input(args, 'bias')); // (N, out)
    const low = webGpuMatMul(args.backend, input(args, 'dropped'), input(args, 'loraA'), false, true); // (N, g·r)
    const program = new LoraAddProgram(base.shape[0]!, base.shape[1]!);
    const out = backend.runWebGPUProgram(program, [base, low, input(args, 'loraB')], 'float32', loraUniforms(loraLayout(args.attrs!)));
    backend.disposeData(base.dataId);
    backend.disposeData(low.dataId);
    return out;
  },
});

/** The LoRA branch of a projection: its input after dropout, A (g·r, in), B (g·blockSize, r) and where it lands. */
export interface LoraBranch {
  dropped: tf.Tensor2D;
  a: tf.Tensor2D;
  b: tf.Tensor2D;
  scale: number;
  /** Width of one output block (E for a merged q/k/v c_attn, else the whole output). */
  blockSize: number;
  /** Adapter group of each output block, −1 where the block has none (e.g. [0, −1, 1] for q/v-only). */
  groupOfBlock: number[];
}

/** x (N, in) · W (in, out) + b [+ the LoRA branch], differentiable w.r.t. x, the dropped input, A and B. */
export function fusedLoraProjection(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D, lora: LoraBranch | null): tf.Tensor2D {
  if (lora === null) return tf.engine().runKernel(FUSED_LINEAR, { x, weight, bias }) as tf.Tensor2D;
  const { dropped, a, b, scale, blockSize, groupOfBlock } = lora;
  return tf.engine().runKernel(FUSED_LORA_PROJECTION, { x, weight, bias, dropped, loraA: a, loraB: b }, { scale, blockSize, groupOfBlock }) as tf.Tensor2D;
}
