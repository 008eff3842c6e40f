// The cases of the GPU benchmark: server and client split steps of tiny, gpt2 and gpt2-medium at 8×128 and 8×512
// (the paper's batch), written `part:model:BxT` on the command line.
import { GPT2_PRESETS, type Gpt2PresetName } from '@splitlora/core';

export type StepPart = 'server' | 'client';

export interface GpuCase {
  part: StepPart;
  model: Gpt2PresetName;
  batch: number;
  seq: number;
  cut: number;
}

export const FULL_CASES = 'server:tiny:8x128,client:tiny:8x128,server:tiny:8x512,client:tiny:8x512,'
  + 'server:gpt2:8x128,client:gpt2:8x128,server:gpt2:8x512,client:gpt2:8x512,'
  + 'server:gpt2-medium:8x128,client:gpt2-medium:8x128,server:gpt2-medium:8x512,client:gpt2-medium:8x512';

/** What a software adapter (SwiftShader) can run in minutes: the tiny model with a few tokens. */
export const SMOKE_CASES = 'server:tiny:1x8,client:tiny:1x8';

export function caseName(c: GpuCase): string {
  return `${c.part}:${c.model}:${c.batch}x${c.seq}`;
}

/** Parses `part:model:BxT,…`; every error names the entry and what was expected. */
export function parseCases(spec: string, cut: number): GpuCase[] {
  return spec.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((entry) => {
    const [part, model, shape, extra] = entry.split(':');
    const match = /^(\d+)x(\d+)$/.exec(shape ?? '');
    if (extra !== undefined || (part !== 'server' && part !== 'client') || match === null) {
      throw new Error(`case "${entry}": expected part:model:BxT with part server or client, e.g. server:gpt2:8x512`);
    }
    if (!(model! in GPT2_PRESETS)) throw new Error(`case "${entry}": model must be one of ${Object.keys(GPT2_PRESETS).join(', ')}`);
    return { part, model: model as Gpt2PresetName, batch: Number(match[1]), seq: Number(match[2]), cut };
  });
}
