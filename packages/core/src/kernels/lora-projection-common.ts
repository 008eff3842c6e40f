// What the fused projection kernels share (lora-projection-webgpu.ts forward, lora-projection-grad-webgpu.ts
// backward): kernel names and where the LoRA output blocks land, as attributes and as WGSL uniforms.
import type * as tf from '@tensorflow/tfjs-core';
import type { UniformValue } from './webgpu-program.js';

export const FUSED_LINEAR = 'SplitLoraLinear';
export const FUSED_LORA_PROJECTION = 'SplitLoraProjection';
export const LORA_DOWN_GRAD = 'SplitLoraProjectionLowGrad';
export const LORA_B_GRAD = 'SplitLoraProjectionBGrad';

/** Output blocks of a projection (3 for a merged q/k/v c_attn), so the maps fit a vec4. */
const MAX_BLOCKS = 4;

export interface LoraLayout {
  scale: number;
  blockSize: number;
  /** Adapter group per output block, −1 for none; padded with −1 to MAX_BLOCKS. */
  groupOfBlock: number[];
  /** Output block per adapter group; padded with −1. */
  blockOfGroup: number[];
}

export function loraLayout(attrs: tf.NamedAttrMap): LoraLayout {
  const groupOfBlock = attrs['groupOfBlock'] as number[];
  if (groupOfBlock.length > MAX_BLOCKS) throw new Error(`fused LoRA projection: at most ${MAX_BLOCKS} output blocks, found ${groupOfBlock.length}`);
  const blockOfGroup: number[] = [];
  groupOfBlock.forEach((group, block) => {
    if (group >= 0) blockOfGroup[group] = block;
  });
  const pad = (values: number[]) => [...values, ...new Array<number>(MAX_BLOCKS - values.length).fill(-1)];
  return { scale: attrs['scale'] as number, blockSize: attrs['blockSize'] as number, groupOfBlock: pad(groupOfBlock), blockOfGroup: pad(blockOfGroup) };
}

export const LORA_UNIFORMS = 'blockSize : i32, scale : f32, groupOfBlock : vec4<i32>, blockOfGroup : vec4<i32>,';

export function loraUniforms(layout: LoraLayout): UniformValue[] {
  return [
    { type: 'int32', data: [layout.blockSize] }, { type: 'float32', data: [layout.scale] },
    { type: 'int32', data: layout.groupOfBlock }, { type: 'int32', data: layout.blockOfGroup },
  ];
}
