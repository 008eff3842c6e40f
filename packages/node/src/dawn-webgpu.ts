// Loads Dawn (the `webgpu` npm package) into this Node process as navigator.gpu, then tfjs's WebGPU backend (which
// registers itself only if navigator.gpu exists when it is imported), and describes the adapter. Any failure only
// removes the webgpu choice: it is reported, never thrown.
import { type AdapterFacts, type GpuLike, probeAdapter } from '@splitlora/core';
import { missingAdapterAdvice } from './vulkan-env.js';

export type DawnLoad = { gpu: GpuLike; adapter: AdapterFacts } | { problem: string };

let loading: Promise<DawnLoad> | null = null;

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 160);
}

/** Exposes `gpu` and the WebGPU constants (GPUBufferUsage, …) as browser globals, as tfjs expects them. */
function exposeAsNavigatorGpu(gpu: GpuLike, globals: object): void {
  Object.assign(globalThis, globals);
  const holder = globalThis as { navigator?: object };
  if (holder.navigator === undefined) holder.navigator = { gpu };
  else Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true });
}

async function load(): Promise<DawnLoad> {
  let dawn: { create(flags: string[]): GpuLike; globals: object };
  try {
    dawn = (await import('webgpu')) as unknown as typeof dawn;
  } catch (error) {
    return { problem: `the webgpu package (Dawn) did not load (${firstLine(error)})` };
  }
  let gpu: GpuLike;
  try {
    gpu = dawn.create([]);
  } catch (error) {
    return { problem: `Dawn did not start (${firstLine(error)})` };
  }
  const probe = await probeAdapter(gpu);
  if ('problem' in probe) return { problem: probe.problem === 'no adapter' ? `Dawn found no adapter: ${missingAdapterAdvice()}` : probe.problem };
  exposeAsNavigatorGpu(gpu, dawn.globals);
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (error) {
    return { problem: `@tensorflow/tfjs-backend-webgpu did not load (${firstLine(error)})` };
  }
  return { gpu, adapter: probe.adapter };
}

/** Loads Dawn and the tfjs WebGPU backend once per process; later calls get the same answer. */
export function loadDawnWebGpu(): Promise<DawnLoad> {
  loading ??= load();
  return loading;
}
