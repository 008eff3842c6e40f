// Asks the browser for a WebGPU adapter before tfjs does, so the page can say why WebGPU is not used
// ("no adapter", "not a secure context") and which adapter is (SwiftShader, a vendor GPU).
import { describeAdapter, type AdapterFacts } from '../backend/backend-label.js';

/** The slice of the WebGPU API used here (the page does not depend on @webgpu/types). */
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<{ info?: AdapterFacts; isFallbackAdapter?: boolean } | null>;
}

export type WebGpuProbe = { adapter: string } | { problem: string };

export async function probeWebGpu(): Promise<WebGpuProbe> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (gpu === undefined) {
    return { problem: isSecureContext ? 'this browser has no WebGPU' : 'the page is not a secure context (https or localhost)' };
  }
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter === null) return { problem: 'no adapter' };
    // GPUAdapterInfo's fields are getters on its prototype: read them one by one (a spread would copy nothing).
    const info = adapter.info;
    return {
      adapter: describeAdapter({
        vendor: info?.vendor, architecture: info?.architecture, description: info?.description,
        isFallbackAdapter: info?.isFallbackAdapter ?? adapter.isFallbackAdapter,
      }),
    };
  } catch (error) {
    return { problem: `requesting an adapter failed (${error instanceof Error ? error.message : String(error)})` };
  }
}
