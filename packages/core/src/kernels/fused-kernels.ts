// The forward kernel of each fused WebGPU op, by the backend flag that turns it on (for benchmarks and reports that
// check which path ran).
import type { FusedKernelFlag } from './fused-dispatch.js';
import { FUSED_ADAMW } from './adamw-webgpu.js';
import { FUSED_ATTENTION } from './causal-attention-webgpu.js';
import { FUSED_GELU } from './gelu-new-webgpu.js';
import { FUSED_HEAD_LOSS } from './head-loss-webgpu.js';
import { FUSED_LAYER_NORM } from './layer-norm-webgpu.js';
import { FUSED_LINEAR } from './lora-projection-common.js';
import { FUSED_LORA_PROJECTION } from './lora-projection-webgpu.js';

export const FUSED_KERNELS: Record<FusedKernelFlag, readonly string[]> = {
  FUSED_LAYER_NORM: [FUSED_LAYER_NORM],
  FUSED_GELU: [FUSED_GELU],
  FUSED_ATTENTION: [FUSED_ATTENTION],
  FUSED_LORA_PROJECTION: [FUSED_LORA_PROJECTION, FUSED_LINEAR],
  FUSED_HEAD_LOSS: [FUSED_HEAD_LOSS],
  FUSED_ADAMW: [FUSED_ADAMW],
};
