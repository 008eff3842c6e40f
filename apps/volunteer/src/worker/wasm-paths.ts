// Registers tfjs's WebAssembly backend and tells it where Vite put its .wasm binaries (content-hashed asset URLs).
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export function configureWasmPaths(): void {
  setWasmPaths({
    'tfjs-backend-wasm.wasm': plainWasmUrl,
    'tfjs-backend-wasm-simd.wasm': simdWasmUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdWasmUrl,
  });
}
