// A run's folder on disk: config, metrics (JSONL), and per round the global client adapter and the server adapter
// in PEFT format (block-training methods: the model as a Hugging Face checkpoint) plus the server optimizer state. state.json is written last, so a crash leaves the last
// completed round intact and `--resume` continues from it.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type AdamWState, exportPeftAdapter, type Gpt2Config, importPeftAdapter, type NamedHostTensors, parseSafetensors, readSafetensors, saveHfGpt2,
  type SplitPlan, writeSafetensors,
} from '@splitlora/core';
import { dirSource } from '@splitlora/node';
import type { MetricRecord, RunConfig } from '@splitlora/protocol';
import { readBaseModelRef } from './base-model-ref.js';

export interface StoredRun {
  runId: string;
  createdAt: number;
  config: RunConfig;
}

export interface StoredState {
  completedRounds: number;
  updatedAt: number;
}

async function writeAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

/** A run's global client tensors split into LoRA adapter tensors and base weights (what block-training methods train). */
export function partitionClientTensors(tensors: NamedHostTensors): { adapter: NamedHostTensors; weights: NamedHostTensors } {
  const adapter: NamedHostTensors = {};
  const weights: NamedHostTensors = {};
  for (const [name, t] of Object.entries(tensors)) (name.includes('.lora_') ? adapter : weights)[name] = t;
  return { adapter, weights };
}

export function roundDir(dir: string, round: number): string {
  return join(dir, 'rounds', String(round).padStart(4, '0'));
}

export class RunStore {
  private baseModel: string | null = null;

  constructor(readonly dir: string) {}

  /** What exported adapters name as their base (see base-model-ref.ts); older folders without one: the model name. */
  baseModelName(plan: SplitPlan): string {
    this.baseModel ??= readBaseModelRef(this.dir)?.base_model_name_or_path ?? plan.modelName;
    return this.baseModel;
  }

  static async create(dir: string, run: StoredRun): Promise<RunStore> {
    await mkdir(join(dir, 'rounds'), { recursive: true });
    await writeAtomic(join(dir, 'config.json'), JSON.stringify(run, null, 2));
    return new RunStore(dir);
  }

  static exists(dir: string): boolean {
    return existsSync(join(dir, 'config.json')) && existsSync(join(dir, 'state.json'));
  }

  /** Saves a round's files (0 = the initial adapters); markCompleted() then makes it the resume point. */
  async saveRoundFiles(
    round: number, plan: SplitPlan, clientTensors: NamedHostTensors, serverAdapter: NamedHostTensors, optimizer: AdamWState | null,
    baseParams: NamedHostTensors = {},
  ): Promise<void> {
    const dir = roundDir(this.dir, round);
    const { adapter: clientAdapter, weights } = partitionClientTensors(clientTensors);
    const adapters = [['client-adapter', clientAdapter], ['server-adapter', serverAdapter]] as const;
    if (Object.keys(weights).length > 0) {
      // A block-training method changed base weights: the round's model is a Hugging Face checkpoint (with the base's other weights).
      await mkdir(join(dir, 'model'), { recursive: true });
      for (const [name, bytes] of Object.entries(saveHfGpt2(plan.config, { ...baseParams, ...weights }))) await writeAtomic(join(dir, 'model', name), bytes);
    }
    for (const [which, adapter] of adapters) {
      if (which === 'client-adapter' && Object.keys(adapter).length === 0 && Object.keys(weights).length > 0) continue;
      if (which === 'server-adapter' && plan.whole) continue; // fedlora: the client adapter covers every block
      await mkdir(join(dir, which), { recursive: true });
      for (const [name, bytes] of Object.entries(exportPeftAdapter(plan.config, plan.lora, adapter, { baseModel: this.baseModelName(plan) }))) {
        await writeAtomic(join(dir, which, name), bytes);
      }
    }
    if (optimizer !== null && !plan.whole) { // fedlora: the server trains nothing
      const tensors: NamedHostTensors = {};
      for (const [n, t] of Object.entries(optimizer.m)) tensors[`m.${n}`] = t;
      for (const [n, t] of Object.entries(optimizer.v)) tensors[`v.${n}`] = t;
      await writeAtomic(join(dir, 'server-optimizer.safetensors'), writeSafetensors(tensors, 'F32', { format: 'pt', steps: String(optimizer.steps) }));
    }
  }

  async markCompleted(round: number): Promise<void> {
    await writeAtomic(join(this.dir, 'state.json'), JSON.stringify({ completedRounds: round, updatedAt: Date.now() } satisfies StoredState));
  }

  async loadAdapter(round: number, which: 'client-adapter' | 'server-adapter', model: Gpt2Config): Promise<NamedHostTensors> {
    return (await importPeftAdapter(model, dirSource(join(roundDir(this.dir, round), which)))).tensors;
  }

  async loadOptimizer(round: number): Promise<AdamWState | null> {
    const path = join(roundDir(this.dir, round), 'server-optimizer.safetensors');
    if (!existsSync(path)) return null;
    const bytes = new Uint8Array(await readFile(path));
    const tensors = readSafetensors(bytes);
    const steps = Number(parseSafetensors(bytes).metadata['steps']);
    const state: AdamWState = { steps, m: {}, v: {} };
    for (const [name, t] of Object.entries(tensors)) {
      if (name.startsWith('m.')) state.m[name.slice(2)] = t;
      else if (name.startsWith('v.')) state.v[name.slice(2)] = t;
    }
    return state;
  }

  /** The PEFT files of one round's adapter. */
  async adapterFiles(round: number, which: 'client-adapter' | 'server-adapter'): Promise<Record<string, Uint8Array> | null> {
    const dir = join(roundDir(this.dir, round), which);
    if (!existsSync(join(dir, 'adapter_model.safetensors'))) return null;
    return {
      'adapter_model.safetensors': new Uint8Array(await readFile(join(dir, 'adapter_model.safetensors'))),
      'adapter_config.json': new Uint8Array(await readFile(join(dir, 'adapter_config.json'))),
    };
  }

  /** The Hugging Face checkpoint (config.json, model.safetensors) of a block-training round, or null. */
  async modelFiles(round: number): Promise<Record<string, Uint8Array> | null> {
    const dir = join(roundDir(this.dir, round), 'model');
    if (!existsSync(join(dir, 'model.safetensors'))) return null;
    return {
      'config.json': new Uint8Array(await readFile(join(dir, 'config.json'))),
      'model.safetensors': new Uint8Array(await readFile(join(dir, 'model.safetensors'))),
    };
  }

  appendMetric(record: MetricRecord): void {
    appendFileSync(join(this.dir, 'metrics.jsonl'), `${JSON.stringify(record)}\n`);
  }

  /** Replaces metrics.jsonl with these records (atomically). */
  async rewriteMetrics(records: readonly MetricRecord[]): Promise<void> {
    await writeAtomic(join(this.dir, 'metrics.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  /** All metric records; a line cut short by a crash is skipped. */
  readMetrics(): MetricRecord[] {
    const path = join(this.dir, 'metrics.jsonl');
    if (!existsSync(path)) return [];
    const out: MetricRecord[] = [];
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        out.push(JSON.parse(line) as MetricRecord);
      } catch {
        // a partial last line from a crash
      }
    }
    return out;
  }
}
