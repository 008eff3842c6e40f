// Words for the backend the worker selected: "WebGPU (SwiftShader adapter)", "WebGL — WebGPU unavailable: no adapter".
import type { BackendName } from '@splitlora/protocol';

/** The parts of a GPUAdapterInfo the label uses. */
export interface AdapterFacts {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

const DISPLAY_NAMES: Record<BackendName, string> = {
  webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'CPU (JavaScript)', tensorflow: 'TensorFlow', node: 'Node',
};

export function backendDisplayName(backend: BackendName): string {
  return DISPLAY_NAMES[backend];
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

export interface BackendWords {
  label: string;
  detail: string;
}

/**
 * The label shown on the page and the detail behind it. `adapter` describes the WebGPU adapter (webgpu only);
 * `skipped` lists why faster backends were not used, best first ("WebGPU unavailable: no adapter").
 */
export function backendWords(backend: BackendName, adapter: string | null, skipped: readonly string[]): BackendWords {
  const name = backendDisplayName(backend);
  const label = backend === 'webgpu' && adapter !== null ? `${name} (${adapter})` : skipped.length > 0 ? `${name} — ${skipped[0]}` : name;
  const detail = skipped.length > 0 ? `Using ${name}. Not used: ${skipped.join('; ')}.` : `Using ${name}, the first choice.`;
  return { label, detail };
}
