// Words for the backend the worker selected: "WebGPU (SwiftShader adapter)", "WebGL — WebGPU unavailable: no adapter".
import type { BackendName } from '@splitlora/protocol';

const DISPLAY_NAMES: Record<BackendName, string> = {
  webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'CPU (JavaScript)', tensorflow: 'TensorFlow', node: 'Node',
};

export function backendDisplayName(backend: BackendName): string {
  return DISPLAY_NAMES[backend];
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
