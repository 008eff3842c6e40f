// Asks the browser for a WebGPU adapter before tfjs does, so the page can say why WebGPU is not used
// ("no adapter", "not a secure context") and which adapter is (SwiftShader, a vendor GPU).
import { type AdapterProbe, type GpuLike, probeAdapter } from '@splitlora/core';

export async function probeWebGpu(): Promise<AdapterProbe> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (gpu === undefined) {
    return { problem: isSecureContext ? 'this browser has no WebGPU' : 'the page is not a secure context (https or localhost)' };
  }
  return probeAdapter(gpu);
}
