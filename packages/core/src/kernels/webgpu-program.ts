// The part of tfjs-backend-webgpu's program interface the fused kernels use, declared structurally so the core needs
// no dependency on the WebGPU backend package: a program is WGSL user code plus its dispatch, run by the backend.
import * as tf from '@tensorflow/tfjs-core';

/** tfjs-backend-webgpu 4.22's WebGPUProgram, the fields our programs set (it prepends bindings and uniforms). */
export interface WebGpuProgram {
  /** Input buffer names: each becomes `var<storage, read> <name>: array<f32|i32>` and `uniforms.<name>Shape`. */
  variableNames: string[];
  outputShape: number[];
  /** Must name every compile-time constant baked into getUserCode(): the backend caches pipelines by it. */
  shaderKey: string;
  /** Always flat here: the shader's entry is `fn main(index : i32)` with index the global invocation index. */
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  /** Extra uniform fields, e.g. `eps : f32, rows : i32,`; their values come in runProgram's `uniforms`, in order. */
  uniforms?: string;
  getUserCode(): string;
}

export interface UniformValue {
  type: 'float32' | 'int32';
  data: number[];
}

/** The WebGPU backend as the kernels see it. */
export interface WebGpuBackendLike {
  runWebGPUProgram(program: WebGpuProgram, inputs: tf.TensorInfo[], dtype: tf.DataType, uniforms?: UniformValue[]): tf.TensorInfo;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

/** Arguments tfjs passes to a kernel function. */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: {};
  attrs?: tf.NamedAttrMap;
}

export function asWebGpu(backend: {}): WebGpuBackendLike {
  const b = backend as Partial<WebGpuBackendLike>;
  if (typeof b.runWebGPUProgram !== 'function') throw new Error('fused kernel called on a backend that is not tfjs-backend-webgpu');
  return b as WebGpuBackendLike;
}

/** The named input of a kernel call, or a clear error. */
export function input(args: KernelArgs, name: string): tf.TensorInfo {
  const t = args.inputs[name];
  if (t === undefined) throw new Error(`fused kernel: missing input ${name}`);
  return t;
}

/** Runs another kernel registered for webgpu (e.g. tfjs's own BatchMatMul) from inside a kernel function. */
export function callWebGpuKernel(name: string, backend: {}, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
  const kernel = tf.getKernel(name, 'webgpu');
  if (kernel === undefined) throw new Error(`webgpu kernel ${name} is not registered`);
  return kernel.kernelFunc({ inputs, backend, attrs }) as tf.TensorInfo;
}

/** x·y (with optional transposes, and a bias added in the same kernel) through tfjs-backend-webgpu's matMul. */
export function webGpuMatMul(backend: {}, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean, bias?: tf.TensorInfo): tf.TensorInfo {
  if (bias === undefined) return callWebGpuKernel('BatchMatMul', backend, { a, b }, { transposeA, transposeB });
  return callWebGpuKernel('_FusedMatMul', backend, { a, b, bias }, { transposeA, transposeB, activation: 'linear', leakyreluAlpha: 0 });
}

/** A dispatch of `count` invocations in workgroups of `size` along x. */
export function flatDispatch(count: number, size: number): [number, number, number] {
  return [Math.max(1, Math.ceil(count / size)), 1, 1];
}

/**
 * WGSL of a workgroup-wide sum and max over `size` invocations (a power of two), named workgroupSum/workgroupMax.
 * Two barriers per call: every invocation writes its value; a few invocations each add up a stripe; then every
 * invocation adds up the stripes itself (a tree would take log2(size) barriers, which software renderers such as
 * SwiftShader pay dearly for). Call them from uniform control flow; every invocation gets the result.
 */
export function workgroupReduceSnippet(size: number): string {
  if (!Number.isInteger(Math.log2(size))) throw new Error(`workgroup size ${size} is not a power of two`);
  const stripes = Math.min(16, size);
  const reduce = (name: string, combine: (a: string, b: string) => string, identity: string) => `
  fn ${name}(value : f32) -> f32 {
    reduceBuffer[localIndex] = value;
    workgroupBarrier();
    if (localIndex < ${stripes}u) {
      var acc = ${identity};
      for (var i = 0u; i < ${size / stripes}u; i++) { acc = ${combine('acc', `reduceBuffer[localIndex * ${size / stripes}u + i]`)}; }
      reduceStripes[localIndex] = acc;
    }
    workgroupBarrier();
    var result = ${identity};
    for (var i = 0u; i < ${stripes}u; i++) { result = ${combine('result', 'reduceStripes[i]')}; }
    return result;
  }`;
  return `var<workgroup> reduceBuffer : array<f32, ${size}>;
  var<workgroup> reduceStripes : array<f32, ${stripes}>;`
    + reduce('workgroupSum', (a, b) => `${a} + ${b}`, '0.0')
    + reduce('workgroupMax', (a, b) => `max(${a}, ${b})`, '-3.0e38');
}

/** Invocations per workgroup for a kernel that gives each row of `cols` values one workgroup: about 4 values each. */
export function rowWorkgroupSize(cols: number): number {
  return Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(Math.max(1, cols / 4)))));
}

/** WGSL of tanh that stays finite for large |x| (exp(2|x|) would overflow), as tfjs-backend-webgpu's own Tanh. */
export const STABLE_TANH_WGSL = `
  fn stableTanh(a : f32) -> f32 {
    let e2x = exp(-2.0 * abs(a));
    return sign(a) * (1.0 - e2x) / (1.0 + e2x);
  }`;

/** Registers `kernelName` for webgpu as one program over the inputs named by its variableNames, output float32. */
export function registerProgramKernel(kernelName: string, build: (args: KernelArgs) => { program: WebGpuProgram; uniforms?: UniformValue[] }): void {
  tf.registerKernel({
    kernelName,
    backendName: 'webgpu',
    kernelFunc: (args: KernelArgs) => {
      const { program, uniforms } = build(args);
      return asWebGpu(args.backend).runWebGPUProgram(program, program.variableNames.map((name) => input(args, name)), 'float32', uniforms);
    },
  });
}

/** A program with one invocation per element of its output: `index` is the flat index, below `uniforms.size`. */
export abstract class ElementwiseProgram implements WebGpuProgram {
  outputShape: number[];
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;
  uniforms?: string;

  constructor(public variableNames: string[], public shaderKey: string, shape: number[]) {
    this.outputShape = shape;
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    this.dispatch = flatDispatch(shape.reduce((a, b) => a * b, 1), this.workgroupSize[0]);
  }

  abstract getUserCode(): string;
}
