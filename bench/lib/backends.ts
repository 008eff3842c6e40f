// tfjs backends in Node for benchmarks: activates one by name (tensorflow, webgpu, wasm, cpu) through the same
// selection code as the server, and says (briefly) why one is unavailable.
import { type NodeBackendChoice, selectNodeBackend } from '@splitlora/node';
import * as tf from '@tensorflow/tfjs-core';

/** The backends a benchmark tries by default; `webgpu` (Dawn) is tried when asked for. */
export const NODE_BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export const ALL_NODE_BACKENDS = [...NODE_BACKENDS, 'webgpu'] as const;
export type NodeBackendName = (typeof ALL_NODE_BACKENDS)[number];

export type Activation = { ok: true; detail: string; device: string } | { ok: false; reason: string };

/** Makes `name` the active tfjs backend, or says why it cannot be. */
export async function activateNodeBackend(name: NodeBackendName): Promise<Activation> {
  try {
    const selection = await selectNodeBackend(name as NodeBackendChoice);
    if (selection.backend !== name || tf.getBackend() !== name) return { ok: false, reason: `${tf.getBackend()} stayed active instead of ${name}` };
    return { ok: true, detail: selection.detail, device: selection.device.name };
  } catch (error) {
    return { ok: false, reason: briefReason(name, (error as Error).message) };
  }
}

/** A table-sized reason: a missing native addon is the usual case for tfjs-node (an optional dependency). */
function briefReason(name: NodeBackendName, message: string): string {
  if (name === 'tensorflow' && /tfjs_binding\.node|Cannot find (module|package)/.test(message)) {
    return 'not importable: @tensorflow/tfjs-node(-gpu) is not installed or its native addon is missing';
  }
  return message.split('\n')[0]!.slice(0, 200);
}
