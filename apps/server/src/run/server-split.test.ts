// SFL-V2's fused step: three clients' activations fused into one server batch give each client exactly the gradient
// (and loss) it gets when it steps alone from the same server state — fused rows of other lengths included.
import { gpt2Config, initAdapter, initGpt2Params, type NamedHostTensors, SplitPlan } from '@splitlora/core';
import { selectNodeBackend } from '@splitlora/node';
import { runConfigSchema } from '@splitlora/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { ServerSplit, type StepInput } from './server-split.js';

const config = gpt2Config('tiny', { n_layer: 3 });
const lora = { r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: ['c_attn' as const], fan_in_fan_out: true as const, enable_lora: null };
const plan = SplitPlan.create(config, 1, lora, 'tiny');
const run = runConfigSchema.parse({ model: 'tiny', cut: 1, sfl: 'v2', lora, lr: 1e-2, batchSize: 4, maxSeqLen: 16, padMultiple: 8 });
const params = initGpt2Params(config, 1);

/** The initial server adapter with a non-zero B, so the adapter shapes the gradient too. */
function startAdapter(): NamedHostTensors {
  const adapter = initAdapter(config, lora, 1, 3, 2);
  return Object.fromEntries(Object.entries(adapter).map(([n, t]) => [n, { shape: t.shape, data: t.data.map((v, i) => (n.includes('lora_B') ? Math.sin(i) * 0.05 : v)) }]));
}

function input(clientId: string, batch: number, seqLen: number, seed: number): StepInput {
  const E = config.n_embd;
  const hidden = Float32Array.from({ length: batch * seqLen * E }, (_, i) => Math.sin(seed * 131 + i * 0.37));
  const targets = Int32Array.from({ length: batch * seqLen }, (_, i) => (seed * 977 + i * 31) % config.vocab_size);
  const mask = Float32Array.from({ length: batch * seqLen }, (_, i) => (i % 5 === 4 ? 0 : 1));
  return { clientId, hidden, batch, seqLen, targets, mask, tokens: mask.reduce((a, b) => a + b, 0), globalStep: 0 };
}

describe('SFL-V2 fused step', () => {
  beforeAll(async () => {
    await selectNodeBackend('wasm');
  });

  it('gives each of 3 fused clients the gradient it gets stepping alone from the same server state', async () => {
    const inputs = [input('a', 2, 8, 1), input('b', 1, 16, 2), input('c', 3, 5, 3)];
    const fusedSplit = new ServerSplit(plan, params, run, { serverAdapter: startAdapter(), optimizer: null });
    const fused = await fusedSplit.step(inputs);
    fusedSplit.dispose();
    let worst = 0;
    for (const [i, one] of inputs.entries()) {
      const alone = new ServerSplit(plan, params, run, { serverAdapter: startAdapter(), optimizer: null });
      const [own] = await alone.step([one]);
      alone.dispose();
      expect(fused[i]!.loss).toBeCloseTo(own!.loss, 5);
      const scale = Math.max(...own!.gradient.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      for (let k = 0; k < own!.gradient.length; k++) worst = Math.max(worst, Math.abs(fused[i]!.gradient[k]! - own!.gradient[k]!) / scale);
    }
    console.log(`fused vs alone: max |Δgradient| / max |gradient| = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
  });
});
