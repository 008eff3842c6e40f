// Picks the tfjs backend in Node, through the core's checked activation. `auto` prefers, in order: TensorFlow on a
// CUDA GPU (tfjs-node-gpu), WebGPU through Dawn on a hardware adapter, native TensorFlow on the CPU, wasm, then
// pure JS. Asking for one backend by name takes only that one (and lets `webgpu` use a software adapter).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { type AdapterFacts, type BackendCandidate, isSoftwareAdapter, selectFirstBackend, tuneForAdapter } from '@splitlora/core';
import type { ServerDevice } from '@splitlora/protocol';
import { loadDawnWebGpu } from './dawn-webgpu.js';

export const NODE_BACKEND_CHOICES = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type NodeBackendChoice = (typeof NODE_BACKEND_CHOICES)[number];

/** What the selected backend computes on; `name` is one line for banners and logs. */
export interface ComputeDevice extends ServerDevice {
  /** The WebGPU adapter's own words (webgpu only). */
  adapter: AdapterFacts | null;
}

export interface BackendSelection {
  backend: string;
  /** Which package provided it and why better ones were skipped. */
  detail: string;
  device: ComputeDevice;
}

/** "google swiftshader — SwiftShader driver 5.0.0 (software fallback adapter)". */
export function adapterName(adapter: AdapterFacts): string {
  const who = [adapter.vendor, adapter.device || adapter.architecture].filter((p) => p).join(' ') || 'unnamed adapter';
  const description = adapter.description && adapter.description !== who ? ` — ${adapter.description}` : '';
  return `${who}${description} (${isSoftwareAdapter(adapter) ? 'software fallback' : 'hardware'} adapter)`;
}

type NativePackage = '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node';

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 120);
}

/** Imports the first native package that loads (it registers the 'tensorflow' backend); null or why none did. */
async function loadNative(packages: readonly NativePackage[]): Promise<{ loaded: NativePackage | null; problem: string | null }> {
  const problems: string[] = [];
  for (const pkg of packages) {
    try {
      await import(pkg);
      return { loaded: pkg, problem: null };
    } catch (error) {
      problems.push(`${pkg} did not load (${firstLine(error)})`);
    }
  }
  return { loaded: null, problem: problems.join('; ') };
}

function usesGpu(): boolean {
  return (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
}

interface Candidate extends BackendCandidate {
  device: () => ComputeDevice;
}

const cpuDevice = (name: string): ComputeDevice => ({ kind: 'cpu', name, adapter: null, fallback: false });

function tensorflowCandidate(requireGpu: boolean): Candidate {
  let loaded: NativePackage | null = null;
  return {
    name: 'tensorflow', label: requireGpu ? 'TensorFlow on a CUDA GPU' : 'TensorFlow',
    prepare: async () => {
      const result = await loadNative(requireGpu ? ['@tensorflow/tfjs-node-gpu'] : ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
      loaded = result.loaded;
      return result.problem;
    },
    verify: async () => (requireGpu && !usesGpu() ? `${loaded} runs on the CPU (no CUDA device)` : null),
    device: () => (usesGpu() ? { kind: 'gpu', name: `CUDA GPU (${loaded})`, adapter: null, fallback: false } : cpuDevice(`CPU (native TensorFlow, ${loaded})`)),
  };
}

function webgpuCandidate(allowSoftware: boolean): Candidate {
  let adapter: AdapterFacts | null = null;
  return {
    name: 'webgpu', label: 'WebGPU (Dawn)',
    prepare: async () => {
      const dawn = await loadDawnWebGpu();
      if ('problem' in dawn) return dawn.problem;
      adapter = dawn.adapter;
      if (!allowSoftware && isSoftwareAdapter(adapter)) return `the only adapter is a software fallback (${adapterName(adapter)}); --backend webgpu uses it anyway`;
      return null;
    },
    device: () => ({ kind: 'gpu', name: adapterName(adapter!), adapter, fallback: isSoftwareAdapter(adapter!) }),
  };
}

const wasmCandidate: Candidate = { name: 'wasm', label: 'WebAssembly', device: () => cpuDevice('CPU (WebAssembly)') };
const cpuCandidate: Candidate = { name: 'cpu', label: 'CPU (JavaScript)', device: () => cpuDevice('CPU (JavaScript)') };

function candidatesFor(choice: NodeBackendChoice): Candidate[] {
  switch (choice) {
    case 'auto': return [tensorflowCandidate(true), webgpuCandidate(false), tensorflowCandidate(false), wasmCandidate, cpuCandidate];
    case 'tensorflow': return [tensorflowCandidate(false)];
    case 'webgpu': return [webgpuCandidate(true)];
    case 'wasm': return [wasmCandidate];
    case 'cpu': return [cpuCandidate];
  }
}

export async function selectNodeBackend(choice: NodeBackendChoice = 'auto'): Promise<BackendSelection> {
  if (!(NODE_BACKEND_CHOICES as readonly string[]).includes(choice)) throw new Error(`backend must be one of ${NODE_BACKEND_CHOICES.join(', ')}, found "${choice}"`);
  tf.enableProdMode();
  const candidates = candidatesFor(choice);
  let picked: Awaited<ReturnType<typeof selectFirstBackend>>;
  try {
    picked = await selectFirstBackend(candidates);
  } catch (error) {
    if (choice === 'auto') throw error;
    throw new Error(`backend "${choice}" requested but unavailable: ${(error as Error).message.replace(/^no tfjs backend could start: /, '')}`);
  }
  const candidate = picked.candidate as Candidate;
  const device = candidate.device();
  if (device.adapter !== null) tuneForAdapter(device.adapter);
  const detail = `${candidate.label} on ${device.name}${picked.skipped.length > 0 ? ` (skipped: ${picked.skipped.join('; ')})` : ''}`;
  return { backend: candidate.name, detail, device };
}
