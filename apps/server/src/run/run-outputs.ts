// What a run gives back to its organiser: each completed round's adapters as PEFT files (client, server, or both as
// one adapter of the whole model), the final adapter written to the run folder, and text generated with the
// current adapters.
import { join } from 'node:path';
import { completionPrompt, exportPeftAdapter, type Gpt2Tokenizer, type NamedHostTensors, type SplitPlan } from '@splitlora/core';
import { writeFiles } from '@splitlora/node';
import { type GenerateResponse, type GenerateSettings, ProtocolError } from '@splitlora/protocol';
import type { RoundMachine } from './round-machine.js';
import type { RunStore } from './run-store.js';
import type { SerialQueue } from './serial-queue.js';
import type { ServerSplit } from './server-split.js';

export interface RunOutputsDeps {
  plan: SplitPlan;
  tokenizer: Gpt2Tokenizer;
  store: RunStore;
  split: ServerSplit;
  queue: SerialQueue;
  machine: RoundMachine;
  /** The current global client adapter. */
  globalClient: () => NamedHostTensors;
  now: () => number;
}

export class RunOutputs {
  constructor(private readonly deps: RunOutputsDeps) {}

  async adapterFiles(round: number, which: 'client' | 'server' | 'combined'): Promise<Record<string, Uint8Array>> {
    const { machine, store } = this.deps;
    if (round > machine.completedRounds) throw new ProtocolError('NOT_FOUND', `round ${round} is not completed yet (last completed: ${machine.completedRounds})`);
    if (which !== 'combined') {
      const files = await store.adapterFiles(round, which === 'client' ? 'client-adapter' : 'server-adapter');
      if (files === null) throw new ProtocolError('NOT_FOUND', `no ${which} adapter saved for round ${round}`);
      return files;
    }
    const { plan } = this.deps;
    const client = await store.loadAdapter(round, 'client-adapter', plan.config);
    const server = plan.whole ? {} : await store.loadAdapter(round, 'server-adapter', plan.config); // fedlora: the client adapter is the whole model's
    return { ...exportPeftAdapter(plan.config, plan.lora, { ...client, ...server }, { baseModel: store.baseModelName(plan) }) };
  }

  /** Writes a round's client + server adapters as one PEFT adapter for the whole model; returns its folder. */
  async exportCombined(round: number): Promise<string> {
    const dir = join(this.deps.store.dir, 'final-adapter');
    await writeFiles(dir, await this.adapterFiles(round, 'combined'));
    return dir;
  }

  /** Writes a block-training round's model as a Hugging Face checkpoint (config.json, model.safetensors); returns its folder, or null for LoRA runs. */
  async exportModel(round: number): Promise<string | null> {
    const files = await this.deps.store.modelFiles(round);
    if (files === null) return null;
    const dir = join(this.deps.store.dir, 'final-model');
    await writeFiles(dir, files);
    return dir;
  }

  async generate(req: GenerateSettings): Promise<GenerateResponse> {
    const { plan, tokenizer, queue, split, now } = this.deps;
    const started = now();
    const { config } = plan;
    const prompt = req.asContext ? completionPrompt(req.prompt) : req.prompt;
    const ids = tokenizer.encode(prompt);
    if (ids.length >= config.n_positions) throw new ProtocolError('TOO_LARGE', `the prompt has ${ids.length} tokens; the model takes at most ${config.n_positions - 1}`);
    const out = await queue.run(() => split.generate(this.deps.globalClient(), ids, {
      maxNewTokens: req.maxNewTokens, greedy: req.greedy, temperature: req.temperature, topK: req.topK, seed: req.seed, stopTokenId: config.eos_token_id,
    }));
    const completion = tokenizer.decode(out);
    return { text: prompt + completion, completion, round: this.deps.machine.completedRounds, tokens: out.length, seconds: (now() - started) / 1000 };
  }
}
