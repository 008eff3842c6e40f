// HashDropout on tfjs-backend-webgpu: one compute pass, each invocation hashes its own flat index (WGSL copy of
// dropout-hash.ts). The program object follows the backend's WebGPUProgram shape; core does not import the backend.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { LOWBIAS32_STATEMENTS } from './dropout-hash.js';
import { HASH_DROPOUT, paramsOf } from './dropout-kernel-name.js';

const WORKGROUP = 128;

/** The slice of tfjs-backend-webgpu's WebGPUBackend used here. */
interface WebGpuBackend {
  runWebGPUProgram(program: object, inputs: TensorInfo[], dtype: 'float32', uniforms: Array<{ type: string; data: number[] }>): TensorInfo;
}

function hashDropoutProgram(shape: number[]): object {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    variableNames: ['X'],
    outputShape: shape,
    shaderKey: 'splitloraHashDropout',
    size: true,
    uniforms: 'key0 : u32, key1 : u32, threshold : u32, scale : f32,',
    workgroupSize: [WORKGROUP, 1, 1],
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(size / WORKGROUP), 1, 1],
    getUserCode: () => `
      fn lowbias32(v : u32) -> u32 {
        var x = v;
        ${LOWBIAS32_STATEMENTS}
        return x;
      }
      fn main(index : i32) {
        if (index < uniforms.size) {
          let h = lowbias32(lowbias32(u32(index) ^ uniforms.key0) + uniforms.key1);
          setOutputAtIndex(index, select(0.0, X[index] * uniforms.scale, h >= uniforms.threshold));
        }
      }`,
  };
}

export const hashDropoutWebGpuConfig: KernelConfig = {
  kernelName: HASH_DROPOUT,
  backendName: 'webgpu',
  kernelFunc: (({ inputs, backend, attrs }) => {
    const x = inputs['x']!;
    const p = paramsOf(attrs);
    return (backend as unknown as WebGpuBackend).runWebGPUProgram(hashDropoutProgram([...x.shape]), [x], 'float32', [
      { type: 'uint32', data: [p.key0] }, { type: 'uint32', data: [p.key1] }, { type: 'uint32', data: [p.threshold] }, { type: 'float32', data: [p.scale] },
    ]);
  }) as KernelFunc,
};
