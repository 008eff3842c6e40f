// Backward of the fused causal attention (causal-attention-webgpu.ts), flash-attention style: from the per-query
// log-sum-exp L and D = Σ dO·O, one kernel writes the whole d(qkv) (B·T, 3E). Its first half of workgroups owns query
// rows (dq = scale · Σ_j dS_ij k_j), the second half key rows (dv = Σ_i P_ij dO_i, dk = scale · Σ_i dS_ij q_i), with
// P = exp(scale·q·k − L) and dS = P ⊙ (dO·v − D) recomputed on the fly.
import * as tf from '@tensorflow/tfjs-core';
import {
  ATTENTION_UNIFORMS, ATTENTION_WORKGROUP, type AttentionShape, attentionPrelude, attentionShape, attentionUniforms, FUSED_ATTENTION,
  FUSED_ATTENTION_GRAD, FUSED_ATTENTION_STATS, keyTile,
} from './causal-attention-common.js';
import { flatDispatch, input, registerProgramKernel, type WebGpuProgram } from './webgpu-program.js';

/** qkv (B·T, 3E), dOut (B·T, E), stats (2, B·nh·T) → d(qkv) (B·T, 3E). */
class CausalAttentionGradProgram implements WebGpuProgram {
  variableNames = ['qkv', 'dOut', 'stats'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [ATTENTION_WORKGROUP, 1, 1];
  uniforms = ATTENTION_UNIFORMS;

  constructor(private readonly s: AttentionShape) {
    this.outputShape = [s.batch * s.seqLen, 3 * s.heads * s.headSize];
    this.shaderKey = `splitloraCausalAttentionGrad_${s.headSize}`;
    const tilesPerRole = s.batch * s.heads * Math.ceil(s.seqLen / ATTENTION_WORKGROUP);
    this.dispatch = flatDispatch(2 * tilesPerRole * ATTENTION_WORKGROUP, ATTENTION_WORKGROUP);
  }

  getUserCode(): string {
    const tileSize = keyTile(this.s.headSize) * this.s.headSize;
    return `
  ${attentionPrelude(this.s.headSize)}
  var<workgroup> tileA : array<f32, ${tileSize}>;
  var<workgroup> tileB : array<f32, ${tileSize}>;
  var<workgroup> tileL : array<f32, TK>;
  var<workgroup> tileD : array<f32, TK>;
  fn main(index : i32) {
    let T = uniforms.seqLen;
    let nh = uniforms.heads;
    let E = nh * HS;
    let BH = uniforms.bh;
    let queryTiles = (T + WG - 1) / WG;
    let group = groupIndex(index);
    let role = group / (BH * queryTiles);
    let tile = group % (BH * queryTiles);
    let bh = tile / queryTiles;
    let start = (tile % queryTiles) * WG;
    let b = bh / nh;
    let h = bh % nh;
    let row = start + i32(localIndex);
    let valid = role < 2 && bh < BH && row < T;
    let rowAt = (b * T + row) * 3 * E + h * HS;
    if (role == 0) {
      // This invocation's row is a query: dq over the keys up to it.
      var q : array<f32, HS>;
      var g : array<f32, HS>;
      var dq : array<f32, HS>;
      var L = 0.0;
      var D = 0.0;
      if (valid) {
        for (var d = 0; d < HS; d++) {
          q[d] = qkv[rowAt + d];
          g[d] = dOut[(b * T + row) * E + h * HS + d];
        }
        L = stats[bh * T + row];
        D = stats[BH * T + bh * T + row];
      }
      let keyTiles = (min(T, start + WG) + TK - 1) / TK;
      for (var kt = 0; kt < keyTiles; kt++) {
        for (var e = i32(localIndex); e < TK * HS; e += WG) {
          let key = kt * TK + e / HS;
          var kValue = 0.0;
          var vValue = 0.0;
          if (key < T && bh < BH) {
            let at = (b * T + key) * 3 * E + h * HS + e % HS;
            kValue = qkv[at + E];
            vValue = qkv[at + 2 * E];
          }
          tileA[e] = kValue;
          tileB[e] = vValue;
        }
        workgroupBarrier();
        if (valid) {
          for (var j = 0; j < TK; j++) {
            if (kt * TK + j <= row) {
              var qk = 0.0;
              var gv = 0.0;
              for (var d = 0; d < HS; d++) {
                qk += q[d] * tileA[j * HS + d];
                gv += g[d] * tileB[j * HS + d];
              }
              let dS = exp(qk * uniforms.scale - L) * (gv - D);
              for (var d = 0; d < HS; d++) { dq[d] += dS * tileA[j * HS + d]; }
            }
          }
        }
        workgroupBarrier();
      }
      if (valid) {
        for (var d = 0; d < HS; d++) { setOutputAtIndex(rowAt + d, dq[d] * uniforms.scale); }
      }
    } else {
      // This invocation's row is a key: dk and dv over the queries from it on.
      var k : array<f32, HS>;
      var v : array<f32, HS>;
      var dk : array<f32, HS>;
      var dv : array<f32, HS>;
      if (valid) {
        for (var d = 0; d < HS; d++) {
          k[d] = qkv[rowAt + E + d];
          v[d] = qkv[rowAt + 2 * E + d];
        }
      }
      let lastTile = (T + TK - 1) / TK;
      for (var qt = start / TK; qt < lastTile; qt++) {
        for (var e = i32(localIndex); e < TK * HS; e += WG) {
          let query = qt * TK + e / HS;
          var qValue = 0.0;
          var gValue = 0.0;
          if (query < T && bh < BH) {
            qValue = qkv[(b * T + query) * 3 * E + h * HS + e % HS];
            gValue = dOut[(b * T + query) * E + h * HS + e % HS];
          }
          tileA[e] = qValue;
          tileB[e] = gValue;
        }
        for (var t = i32(localIndex); t < TK; t += WG) {
          let query = qt * TK + t;
          var lValue = 0.0;
          var dValue = 0.0;
          if (query < T && bh < BH) {
            lValue = stats[bh * T + query];
            dValue = stats[BH * T + bh * T + query];
          }
          tileL[t] = lValue;
          tileD[t] = dValue;
        }
        workgroupBarrier();
        if (valid) {
          for (var t = 0; t < TK; t++) {
            let query = qt * TK + t;
            if (query >= row && query < T) {
              var qk = 0.0;
              var gv = 0.0;
              for (var d = 0; d < HS; d++) {
                qk += tileA[t * HS + d] * k[d];
                gv += tileB[t * HS + d] * v[d];
              }
              let p = exp(qk * uniforms.scale - tileL[t]);
              let dS = p * (gv - tileD[t]);
              for (var d = 0; d < HS; d++) {
                dv[d] += p * tileB[t * HS + d];
                dk[d] += dS * tileA[t * HS + d];
              }
            }
          }
        }
        workgroupBarrier();
      }
      if (valid) {
        for (var d = 0; d < HS; d++) {
          setOutputAtIndex(rowAt + E + d, dk[d] * uniforms.scale);
          setOutputAtIndex(rowAt + 2 * E + d, dv[d]);
        }
      }
    }
  }`;
  }
}

registerProgramKernel(FUSED_ATTENTION_GRAD, (args) => {
  const shape = attentionShape(input(args, 'qkv'), args.attrs!);
  return { program: new CausalAttentionGradProgram(shape), uniforms: attentionUniforms(shape) };
});

tf.registerGradient({
  kernelName: FUSED_ATTENTION,
  inputsToSave: ['qkv'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => ({
    qkv: () => {
      const [qkv, out] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dOut = dy as tf.Tensor2D;
      const stats = tf.engine().runKernel(FUSED_ATTENTION_STATS, { qkv, attnOut: out, dOut }, attrs) as tf.Tensor; // (2, B·nh·T)
      return tf.engine().runKernel(FUSED_ATTENTION_GRAD, { qkv, dOut, stats }, attrs) as tf.Tensor;
    },
  }),
});
