// Whether a fused kernel runs: its flag (backend-flags.ts) is on for the active backend and that backend has the
// kernel registered. Everywhere else the model code runs its unfused ops.
import * as tf from '@tensorflow/tfjs-core';
import { backendFlag, type BackendFlagName } from '../backend/backend-flags.js';

export type FusedKernelFlag = Extract<BackendFlagName, `FUSED_${string}`>;

export function fusedKernelActive(flag: FusedKernelFlag, kernelName: string): boolean {
  const backend = tf.getBackend();
  return backendFlag(flag, backend) === true && tf.getKernel(kernelName, backend) !== undefined;
}
