// HashDropout on tfjs's cpu backend: the reference loop over the tensor's values.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { applyDropout, type DropoutParams } from './dropout-hash.js';
import { HASH_DROPOUT, paramsOf } from './dropout-kernel-name.js';

/** The slice of tfjs-backend-cpu's MathBackendCPU used here. */
interface CpuBackend {
  data: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

export function dropoutOnCpu(backend: CpuBackend, x: TensorInfo, p: DropoutParams): TensorInfo {
  const input = backend.data.get(x.dataId).values;
  const out = new Float32Array(input.length);
  applyDropout(input, out, p);
  return backend.makeTensorInfo([...x.shape], 'float32', out);
}

export const hashDropoutCpuConfig: KernelConfig = {
  kernelName: HASH_DROPOUT,
  backendName: 'cpu',
  kernelFunc: (({ inputs, backend, attrs }) => dropoutOnCpu(backend as unknown as CpuBackend, inputs['x']!, paramsOf(attrs))) as KernelFunc,
};
