// What a WebGPU adapter says about itself, asked of any WebGPU implementation (a browser's navigator.gpu, Dawn in
// Node), and short words for it: "SwiftShader adapter", "nvidia hopper adapter". No DOM types: the slices used
// are declared here.

/** The parts of a GPUAdapterInfo that name the device. */
export interface AdapterFacts {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** A software (CPU) implementation such as SwiftShader. */
  isFallbackAdapter?: boolean;
}

interface AdapterLike {
  info?: AdapterFacts;
  /** Older implementations put the flag on the adapter, not its info. */
  isFallbackAdapter?: boolean;
}

/** The slice of GPU (navigator.gpu) used here. */
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<AdapterLike | null>;
}

export type AdapterProbe = { adapter: AdapterFacts } | { problem: string };

/** Asks `gpu` for its high-performance adapter and copies what it says about itself. */
export async function probeAdapter(gpu: GpuLike): Promise<AdapterProbe> {
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter === null) return { problem: 'no adapter' };
    // GPUAdapterInfo's fields are getters on its prototype: read them one by one (a spread would copy nothing).
    const info = adapter.info;
    const facts: AdapterFacts = {
      vendor: info?.vendor, architecture: info?.architecture, device: info?.device, description: info?.description,
      isFallbackAdapter: info?.isFallbackAdapter ?? adapter.isFallbackAdapter,
    };
    return { adapter: Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined && v !== '')) as AdapterFacts };
  } catch (error) {
    return { problem: `requesting an adapter failed (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** True for software adapters: flagged as a fallback, or a known CPU implementation by name. */
export function isSoftwareAdapter(info: AdapterFacts): boolean {
  return info.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|microsoft basic render/i.test(`${info.architecture ?? ''} ${info.description ?? ''} ${info.device ?? ''}`);
}

/** A short name for a GPU adapter: "SwiftShader adapter" (software), "nvidia ampere adapter", or its description. */
export function describeAdapter(info: AdapterFacts): string {
  const vendor = info.vendor?.trim() ?? '';
  const architecture = info.architecture?.trim() ?? '';
  const description = info.description?.trim() ?? '';
  if (/swiftshader/i.test(`${architecture} ${description}`)) return 'SwiftShader adapter';
  const name = [vendor, architecture].filter((p) => p.length > 0).join(' ') || description || 'unknown';
  return `${name} adapter${info.isFallbackAdapter ? ', software fallback' : ''}`;
}
