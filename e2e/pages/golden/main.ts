// Runs the Hugging Face golden fixtures (logits, loss, LoRA gradients), one split step and the device dropout kernel
// (bit for bit against its JavaScript reference) on each browser backend, and publishes the worst differences on
// window.__golden for the Playwright test to check.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import {
  activateBackend, applyDropout, clientForward, clientGrads, dropoutParams, fullLogits, fullLossAndGrads, hashDropout, loadHfGpt2, loraConfig,
  memoryFileSource, namedToTensors, readSafetensors, serverLossAndGrads, SplitPlan, TrainableAdapter, withTransposedHead,
} from '@splitlora/core';

interface JsonTensor { shape: number[]; data: number[] }
interface LoraFixture { r: number; lora_alpha: number; target_modules: string[]; enable_lora: [boolean, boolean, boolean] | null; loss: number; logits: JsonTensor; grads: Record<string, JsonTensor> }

const FIXTURES = '/packages/core/fixtures';
const bytes = async (path: string) => new Uint8Array(await (await fetch(`${FIXTURES}/${path}`)).arrayBuffer());
const json = async <T>(path: string) => (await (await fetch(`${FIXTURES}/${path}`)).json()) as T;

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  return maxAbs(a, b) / Math.max(scale, 1e-12);
}

/** Elements where the HashDropout kernel differs (bit for bit) from the JavaScript reference, over 1-D to 3-D shapes. */
async function dropoutMismatches(): Promise<number> {
  let mismatches = 0;
  for (const shape of [[1000], [37, 64], [3, 5, 7]]) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: size }, (_, i) => ((i * 7919) % 1000) / 100 - 5);
    const x = tf.tensor(values, shape);
    const y = hashDropout(x, 0.1, 0xdeadbeef);
    const got = await y.data();
    const expected = new Float32Array(size);
    applyDropout(values, expected, dropoutParams(0.1, 0xdeadbeef));
    for (let i = 0; i < size; i++) if (!Object.is(got[i], expected[i])) mismatches++;
    tf.dispose([x, y]);
  }
  return mismatches;
}

async function runOn(backend: string): Promise<Record<string, number | string>> {
  const problem = await activateBackend(backend);
  if (problem !== null) return { backend, error: `${backend} did not start: ${problem}` };
  const source = memoryFileSource({ 'config.json': await bytes('hf-tiny-gpt2/config.json'), 'model.safetensors': await bytes('hf-tiny-gpt2/model.safetensors') });
  const { config, params } = await loadHfGpt2(source);
  const model = { config, params: withTransposedHead(namedToTensors(params)) };
  const base = await json<{ ids: number[][]; targets: number[][]; mask: number[][] }>('base.json');
  const ids = tf.tensor2d(base.ids, undefined, 'int32');
  const targets = tf.tensor1d(base.targets.flat(), 'int32');
  const mask = tf.tensor1d(base.mask.flat());
  const normalizer = base.mask.flat().reduce((s, v) => s + v, 0);
  const out: Record<string, number | string> = { backend, 'dropout.mismatches': await dropoutMismatches() };
  for (const kind of ['full', 'qv'] as const) {
    const fx = await json<LoraFixture>(`lora-${kind}.json`);
    const lora = loraConfig({ r: fx.r, lora_alpha: fx.lora_alpha, lora_dropout: 0, target_modules: fx.target_modules, enable_lora: fx.enable_lora });
    const adapter = TrainableAdapter.fromHost(config, lora, 0, config.n_layer, readSafetensors(await bytes(`lora-${kind}-weights.safetensors`)));
    const logits = fullLogits(model, adapter, ids);
    out[`${kind}.logits`] = maxAbs(await logits.data(), fx.logits.data);
    const { loss, grads } = fullLossAndGrads(model, adapter, ids, targets, mask, normalizer, { dropoutSeed: null });
    out[`${kind}.loss`] = Math.abs((await loss.data())[0]! - fx.loss);
    let worst = 0;
    for (const [name, expected] of Object.entries(fx.grads)) worst = Math.max(worst, maxRel(await grads[name]!.data(), expected.data));
    out[`${kind}.grads`] = worst;
    // The split path (client forward, server step, client backward) on this backend, at cut 2.
    const clientAdapter = { config: lora, tensors: Object.fromEntries(Object.entries(adapter.tensors).filter(([n]) => Number(n.split('.')[2]) < 2)) };
    const serverAdapter = { config: lora, tensors: Object.fromEntries(Object.entries(adapter.tensors).filter(([n]) => Number(n.split('.')[2]) >= 2)) };
    const plan = SplitPlan.create(config, 2, lora);
    const hidden = clientForward(model, clientAdapter, ids, plan, null);
    const server = serverLossAndGrads(model, serverAdapter, hidden, targets, mask, plan, normalizer, { dropoutSeed: null });
    const client = clientGrads(model, clientAdapter, ids, plan, null, server.gradHidden);
    let splitWorst = 0;
    for (const [name, g] of Object.entries({ ...client, ...server.grads })) splitWorst = Math.max(splitWorst, maxRel(await g.data(), fx.grads[name]!.data));
    out[`${kind}.split-grads`] = splitWorst;
    tf.dispose([logits, loss, hidden, server.loss, server.gradHidden, ...Object.values(grads), ...Object.values(server.grads), ...Object.values(client)]);
    adapter.dispose();
  }
  tf.dispose([ids, targets, mask, ...Object.values(model.params)]);
  return out;
}

const results: Record<string, number | string>[] = [];
for (const backend of ['webgpu', 'webgl', 'cpu']) {
  try {
    results.push(await runOn(backend));
  } catch (error) {
    results.push({ backend, error: (error as Error).message });
  }
}
(window as unknown as { __golden: unknown }).__golden = results;
document.getElementById('status')!.textContent = JSON.stringify(results, null, 2);
