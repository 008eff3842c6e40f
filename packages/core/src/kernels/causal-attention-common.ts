// What the fused causal attention kernels share (causal-attention-webgpu.ts forward and statistics,
// causal-attention-grad-webgpu.ts backward): kernel names, the shape check, uniforms and the WGSL prelude.
import type * as tf from '@tensorflow/tfjs-core';
import type { UniformValue } from './webgpu-program.js';

export const FUSED_ATTENTION_GRAD = 'SplitLoraCausalAttentionGrad';
export const FUSED_ATTENTION = 'SplitLoraCausalAttention';
export const FUSED_ATTENTION_STATS = 'SplitLoraCausalAttentionStats';

/** Query rows per workgroup (one per invocation). */
export const ATTENTION_WORKGROUP = 64;

export interface AttentionShape {
  batch: number;
  seqLen: number;
  heads: number;
  headSize: number;
}

/** Keys per tile in workgroup memory: two tiles of TK × hs floats stay within 8 KiB for hs ≤ 64. */
export function keyTile(headSize: number): number {
  return Math.max(1, Math.min(32, Math.floor(1024 / headSize)));
}

export function attentionShape(qkv: tf.TensorInfo, attrs: tf.NamedAttrMap): AttentionShape {
  const batch = attrs['batch'] as number;
  const seqLen = attrs['seqLen'] as number;
  const heads = attrs['heads'] as number;
  const [rows, width] = qkv.shape;
  if (qkv.shape.length !== 2 || rows !== batch * seqLen || width! % (3 * heads) !== 0) {
    throw new Error(`fused attention: qkv must be (B·T, 3E) = (${batch * seqLen}, 3·${heads}·hs), found [${qkv.shape.join(', ')}]`);
  }
  return { batch, seqLen, heads, headSize: width! / (3 * heads) };
}

/** Uniforms shared by the attention programs: seqLen, heads, bh (= B·nh), scale. */
export const ATTENTION_UNIFORMS = 'seqLen : i32, heads : i32, bh : i32, scale : f32,';

export function attentionUniforms(s: AttentionShape): UniformValue[] {
  return [
    { type: 'int32', data: [s.seqLen] }, { type: 'int32', data: [s.heads] }, { type: 'int32', data: [s.batch * s.heads] },
    { type: 'float32', data: [1 / Math.sqrt(s.headSize)] },
  ];
}

/** WGSL constants and the workgroup's index as a uniform value (workgroupUniformLoad), for loops holding barriers. */
export function attentionPrelude(headSize: number): string {
  return `
  const HS = ${headSize};
  const TK = ${keyTile(headSize)};
  const WG = ${ATTENTION_WORKGROUP};
  var<workgroup> sharedGroup : i32;
  fn groupIndex(index : i32) -> i32 {
    if (localIndex == 0u) { sharedGroup = index / WG; }
    return workgroupUniformLoad(&sharedGroup);
  }`;
}
