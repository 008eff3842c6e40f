// Backward of the fused projections (lora-projection-webgpu.ts). The frozen part: dx = dy·Wᵀ (and, if ever asked,
// dW = xᵀ·dy, db = Σ dy). The LoRA branch with low = x_d·Aᵀ: d(low) = scale · dy_blocks·B gathers the enabled
// output blocks in one kernel, then d(x_d) = d(low)·A and dA = d(low)ᵀ·x_d by matMul, and
// dB = scale · dy_blocksᵀ·low in one more kernel (one workgroup per element of B, reducing over the rows).
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_LINEAR, FUSED_LORA_PROJECTION, LORA_B_GRAD, LORA_DOWN_GRAD, LORA_UNIFORMS, loraLayout, loraUniforms } from './lora-projection-common.js';
import { ElementwiseProgram, flatDispatch, input, registerProgramKernel, rowWorkgroupSize, type WebGpuProgram, workgroupReduceSnippet } from './webgpu-program.js';

/** dy (N, out), loraB (g·blockSize, r) → d(low) (N, g·r), one invocation per element. */
class LoraLowGradProgram extends ElementwiseProgram {
  override uniforms = LORA_UNIFORMS;

  constructor(rows: number, groupsTimesRank: number) {
    super(['dy', 'loraB'], 'splitloraLoraLowGrad', [rows, groupsTimesRank]);
  }

  getUserCode(): string {
    return `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let width = uniforms.outShape.y;
      let r = uniforms.loraBShape.y;
      let n = index / width;
      let group = (index - n * width) / r;
      let k = index % r;
      let dyAt = n * uniforms.dyShape.y + uniforms.blockOfGroup[group] * uniforms.blockSize;
      let bAt = group * uniforms.blockSize * r + k;
      var sum = 0.0;
      for (var c = 0; c < uniforms.blockSize; c++) { sum += dy[dyAt + c] * loraB[bAt + c * r]; }
      setOutputAtIndex(index, uniforms.scale * sum);
    }
  }`;
  }
}

/** dy (N, out), low (N, g·r) → dB (g·blockSize, r): one workgroup (sized to N) per element sums over the rows. */
class LoraBGradProgram implements WebGpuProgram {
  variableNames = ['dy', 'low'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms = LORA_UNIFORMS;

  constructor(bRows: number, rank: number, rows: number) {
    const size = rowWorkgroupSize(rows);
    this.outputShape = [bRows, rank];
    this.shaderKey = `splitloraLoraBGrad_${size}`;
    this.workgroupSize = [size, 1, 1];
    this.dispatch = flatDispatch(bRows * rank * size, size);
  }

  getUserCode(): string {
    return `
  const WG = ${this.workgroupSize[0]};
  ${workgroupReduceSnippet(this.workgroupSize[0])}
  fn main(index : i32) {
    let element = index / WG;
    let r = uniforms.outShape.y;
    let valid = element < uniforms.outShape.x * r;
    let bRow = element / r;
    let k = element % r;
    let group = bRow / uniforms.blockSize;
    let column = uniforms.blockOfGroup[min(group, 3)] * uniforms.blockSize + bRow % uniforms.blockSize;
    let lowColumn = group * r + k;
    var sum = 0.0;
    if (valid) {
      for (var n = i32(localIndex); n < uniforms.dyShape.x; n += WG) {
        sum += dy[n * uniforms.dyShape.y + column] * low[n * uniforms.lowShape.y + lowColumn];
      }
    }
    let total = workgroupSum(sum);
    if (valid && localIndex == 0u) { setOutputAtIndex(element, uniforms.scale * total); }
  }`;
  }
}

registerProgramKernel(LORA_DOWN_GRAD, (args) => {
  const dy = input(args, 'dy');
  const layout = loraLayout(args.attrs!);
  const groups = layout.blockOfGroup.filter((b) => b >= 0).length;
  return { program: new LoraLowGradProgram(dy.shape[0]!, groups * input(args, 'loraB').shape[1]!), uniforms: loraUniforms(layout) };
});

registerProgramKernel(LORA_B_GRAD, (args) => {
  const layout = loraLayout(args.attrs!);
  const bRows = args.attrs!['bRows'] as number;
  const rank = args.attrs!['rank'] as number;
  return { program: new LoraBGradProgram(bRows, rank, input(args, 'dy').shape[0]!), uniforms: loraUniforms(layout) };
});

/** Gradients of the frozen product x·W + b (dW and db only if something asks for them). */
function linearGrads(dy: tf.Tensor2D, x: tf.Tensor2D, weight: tf.Tensor2D) {
  return {
    x: () => tf.matMul(dy, weight, false, true),
    weight: () => tf.matMul(x, dy, true, false),
    bias: () => tf.sum(dy, 0),
  };
}

tf.registerGradient({
  kernelName: FUSED_LINEAR,
  inputsToSave: ['x', 'weight'],
  gradFunc: (dy, saved) => linearGrads(dy as tf.Tensor2D, saved[0] as tf.Tensor2D, saved[1] as tf.Tensor2D),
});

tf.registerGradient({
  kernelName: FUSED_LORA_PROJECTION,
  inputsToSave: ['x', 'weight', 'dropped', 'loraA', 'loraB'],
  gradFunc: (dyIn, saved, attrs) => {
    const dy = dyIn as tf.Tensor2D;
    const [x, weight, dropped, loraA, loraB] = saved as tf.Tensor2D[];
    const lowGrad = tf.engine().runKernel(LORA_DOWN_GRAD, { dy, loraB: loraB! }, attrs) as tf.Tensor2D; // (N, g·r), shared by two
    return {
      ...linearGrads(dy, x!, weight!),
      dropped: () => tf.matMul(lowGrad, loraA!),
      loraA: () => tf.matMul(lowGrad, dropped!, true, false),
      loraB: () => {
        const low = tf.matMul(dropped!, loraA!, false, true); // (N, g·r)
        return tf.engine().runKernel(LORA_B_GRAD, { dy, low }, { ...attrs, bRows: loraB!.shape[0], rank: loraB!.shape[1] }) as tf.Tensor;
      },
    };
  },
});
