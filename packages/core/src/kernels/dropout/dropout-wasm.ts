// HashDropout on tfjs's wasm backend: the reference loop, reading and writing the wasm heap in place.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { applyDropout } from './dropout-hash.js';
import { HASH_DROPOUT, paramsOf } from './dropout-kernel-name.js';

/** The slice of tfjs-backend-wasm's BackendWasm used here. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): ArrayLike<number>;
}

export const hashDropoutWasmConfig: KernelConfig = {
  kernelName: HASH_DROPOUT,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend, attrs }) => {
    const wasm = backend as unknown as WasmBackend;
    const x = inputs['x']!;
    const out = wasm.makeOutput([...x.shape], 'float32');
    applyDropout(wasm.typedArrayFromHeap(x), wasm.typedArrayFromHeap(out) as Float32Array, paramsOf(attrs));
    return out;
  }) as KernelFunc,
};
