// Fused causal self-attention for WebGPU, flash-attention style: softmax(Q·Kᵀ/√hs + causal mask)·V computed with
// an online softmax straight from c_attn's output (B·T, 3E), written in merged-head layout (B·T, E) — no (T, T)
// matrix, no head split or merge. One invocation owns one query row; key/value tiles pass through workgroup memory.
// The backward (causal-attention-grad-webgpu.ts) recomputes the scores from the saved statistics.
import * as tf from '@tensorflow/tfjs-core';
import {
  ATTENTION_UNIFORMS, ATTENTION_WORKGROUP, type AttentionShape, attentionPrelude, attentionShape, attentionUniforms, FUSED_ATTENTION,
  FUSED_ATTENTION_STATS, keyTile,
} from './causal-attention-common.js';
import './causal-attention-grad-webgpu.js'; // registers the gradient
import { flatDispatch, input, registerProgramKernel, type WebGpuProgram } from './webgpu-program.js';

export { FUSED_ATTENTION } from './causal-attention-common.js';

/**
 * forward: qkv → O (B·T, E). stats: qkv, O, dO → (2, B·nh·T): row 0 the log-sum-exp L of each query's scaled
 * scores, row 1 D = Σ_d dO·O, which the backward needs.
 */
class CausalAttentionProgram implements WebGpuProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [ATTENTION_WORKGROUP, 1, 1];
  uniforms = ATTENTION_UNIFORMS;

  constructor(private readonly kind: 'forward' | 'stats', private readonly s: AttentionShape) {
    const E = s.heads * s.headSize;
    this.variableNames = kind === 'forward' ? ['qkv'] : ['qkv', 'attnOut', 'dOut'];
    this.outputShape = kind === 'forward' ? [s.batch * s.seqLen, E] : [2, s.batch * s.heads * s.seqLen];
    this.dispatchLayout = { x: this.outputShape.map((_, i) => i) };
    this.shaderKey = `splitloraCausalAttention_${kind}_${s.headSize}`;
    const queryTiles = Math.ceil(s.seqLen / ATTENTION_WORKGROUP);
    this.dispatch = flatDispatch(s.batch * s.heads * queryTiles * ATTENTION_WORKGROUP, ATTENTION_WORKGROUP);
  }

  getUserCode(): string {
    const forward = this.kind === 'forward';
    const tileSize = keyTile(this.s.headSize) * this.s.headSize;
    return `
  ${attentionPrelude(this.s.headSize)}
  var<workgroup> kTile : array<f32, ${tileSize}>;
  ${forward ? `var<workgroup> vTile : array<f32, ${tileSize}>;` : ''}
  fn main(index : i32) {
    let T = uniforms.seqLen;
    let nh = uniforms.heads;
    let E = nh * HS;
    let queryTiles = (T + WG - 1) / WG;
    let group = groupIndex(index);
    let bh = group / queryTiles;
    let start = (group % queryTiles) * WG;
    let b = bh / nh;
    let h = bh % nh;
    let i = start + i32(localIndex);
    let valid = bh < uniforms.bh && i < T;
    var q : array<f32, HS>;
    ${forward ? 'var acc : array<f32, HS>;' : ''}
    if (valid) {
      for (var d = 0; d < HS; d++) { q[d] = qkv[(b * T + i) * 3 * E + h * HS + d]; }
    }
    var m = -3.0e38;
    var l = 0.0;
    let keyTiles = (min(T, start + WG) + TK - 1) / TK;
    for (var kt = 0; kt < keyTiles; kt++) {
      for (var e = i32(localIndex); e < TK * HS; e += WG) {
        let key = kt * TK + e / HS;
        var kValue = 0.0;
        ${forward ? 'var vValue = 0.0;' : ''}
        if (key < T && bh < uniforms.bh) {
          let at = (b * T + key) * 3 * E + h * HS + e % HS;
          kValue = qkv[at + E];
          ${forward ? 'vValue = qkv[at + 2 * E];' : ''}
        }
        kTile[e] = kValue;
        ${forward ? 'vTile[e] = vValue;' : ''}
      }
      workgroupBarrier();
      if (valid) {
        var scores : array<f32, TK>;
        var tileMax = -3.0e38;
        for (var j = 0; j < TK; j++) {
          var score = -3.0e38;
          if (kt * TK + j <= i) {
            var qk = 0.0;
            for (var d = 0; d < HS; d++) { qk += q[d] * kTile[j * HS + d]; }
            score = qk * uniforms.scale;
          }
          scores[j] = score;
          tileMax = max(tileMax, score);
        }
        if (tileMax > -1.0e38) {
          let mNew = max(m, tileMax);
          let correction = exp(m - mNew);
          l = l * correction;
          ${forward ? 'for (var d = 0; d < HS; d++) { acc[d] = acc[d] * correction; }' : ''}
          for (var j = 0; j < TK; j++) {
            if (kt * TK + j <= i) {
              let p = exp(scores[j] - mNew);
              l += p;
              ${forward ? 'for (var d = 0; d < HS; d++) { acc[d] += p * vTile[j * HS + d]; }' : ''}
            }
          }
          m = mNew;
        }
      }
      workgroupBarrier();
    }
    if (valid) {
      ${forward ? `
      for (var d = 0; d < HS; d++) { setOutputAtIndex((b * T + i) * E + h * HS + d, acc[d] / l); }` : `
      var D = 0.0;
      for (var d = 0; d < HS; d++) {
        let at = (b * T + i) * E + h * HS + d;
        D += dOut[at] * attnOut[at];
      }
      let r = bh * T + i;
      setOutputAtIndex(r, m + log(l));
      setOutputAtIndex(uniforms.bh * T + r, D);`}
    }
  }`;
  }
}

for (const [kernelName, kind] of [[FUSED_ATTENTION, 'forward'], [FUSED_ATTENTION_STATS, 'stats']] as const) {
  registerProgramKernel(kernelName, (args) => {
    const shape = attentionShape(input(args, 'qkv'), args.attrs!);
    return { program: new CausalAttentionProgram(kind, shape), uniforms: attentionUniforms(shape) };
  });
}

/**
 * qkv (B·T, 3E) as c_attn writes it (q, k, v blocks; head h at columns h·hs…) → the merged output (B·T, E)
 * of causal multi-head attention, as one WebGPU kernel (its gradient: two more).
 */
export function fusedCausalAttention(qkv: tf.Tensor2D, batch: number, seqLen: number, heads: number): tf.Tensor2D {
  return tf.engine().runKernel(FUSED_ATTENTION, { qkv }, { batch, seqLen, heads }) as tf.Tensor2D;
}
