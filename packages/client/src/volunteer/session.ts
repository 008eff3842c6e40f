// The volunteer's requests to the server, over the event table's typed `request`: joining (asked again while a busy
// server does not answer), preparing a run (manifest, the client split's weights and the tokenizer, the volunteer's
// own examples, the split plan and the trainer), readiness, status and leaving.
import { countLossTokens, type Example, type Gpt2Tokenizer, hashName, mixSeed } from '@splitlora/core';
import {
  type BackendName, type ClientManifest, ConnectionLostError, type JoinResponse, PROTOCOL_VERSION, type ReadyResponse, request,
} from '@splitlora/protocol';
import { type AssetCache, noAssetCache } from '../asset-cache.js';
import { downloadAsset } from '../asset-download.js';
import { clientModelFromWeights, manifestPlan, tokenizerFromAsset } from '../client-model.js';
import { LocalBlockTrainer } from '../block-training/local-block-trainer.js';
import { SplitBlockTrainer } from '../block-training/split-block-trainer.js';
import { FedLoraTrainer } from '../fedlora-trainer.js';
import { LocalTrainer } from '../local-trainer.js';
import type { RoundTrainer } from '../round-trainer.js';
import { UShapedTrainer } from '../u-shaped-trainer.js';
import type { VolunteerSocket } from '../socket-types.js';
import type { VolunteerEvent, VolunteerStatus } from '../volunteer-events.js';

export interface SessionOptions {
  socket: VolunteerSocket;
  backend: BackendName;
  name?: string;
  loadExamples: (tokenizer: Gpt2Tokenizer, maxSeqLen: number) => Promise<Example[]> | Example[];
  cache?: AssetCache;
  /** How long a request may wait for the server (a training step included). */
  timeoutMs: number;
}

/** A run this volunteer can train: its manifest and the trainer built from it. */
export interface PreparedRun {
  manifest: ClientManifest;
  trainer: RoundTrainer;
}

/** Progress of the preparation, for the host: what to show and what to emit. */
export interface PrepareReporter {
  status(status: VolunteerStatus, message: string): void;
  emit(event: VolunteerEvent): void;
}

export class VolunteerSession {
  readonly socket: VolunteerSocket;
  private readonly cache: AssetCache;

  constructor(private readonly options: SessionOptions) {
    this.socket = options.socket;
    this.cache = options.cache ?? noAssetCache;
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /** session:join, asked again while the connection lives but the (busy) server has not answered in time. */
  async join(resumeToken: string | undefined, onRetry: () => void, stopped: () => boolean): Promise<JoinResponse> {
    const { backend, name } = this.options;
    for (;;) {
      try {
        return await request(this.socket, 'session:join', {
          protocolVersion: PROTOCOL_VERSION, backend, ...(name ? { name } : {}), ...(resumeToken ? { resumeToken } : {}),
        }, this.timeoutMs);
      } catch (error) {
        if (!(error instanceof ConnectionLostError) || !this.socket.connected || stopped()) throw error;
        onRetry();
      }
    }
  }

  /** Everything needed to train `runId`: manifest, assets (cached by hash), the volunteer's examples, the trainer. */
  async prepare(runId: string, clientId: string | null, report: PrepareReporter): Promise<PreparedRun> {
    report.status('downloading', 'downloading the model’s first layers…');
    const manifest = await request(this.socket, 'model:manifest', { runId }, this.timeoutMs);
    const weights = await downloadAsset(this.socket, manifest.assets.weights, this.cache,
      (p) => report.emit({ type: 'download', asset: 'weights', ...p }), { timeoutMs: this.timeoutMs });
    const tokenizerBytes = await downloadAsset(this.socket, manifest.assets.tokenizer, this.cache,
      (p) => report.emit({ type: 'download', asset: 'tokenizer', ...p }), { timeoutMs: this.timeoutMs });
    report.status('preparing', 'reading your data and building the model…');
    const tokenizer = tokenizerFromAsset(tokenizerBytes);
    const examples = await this.options.loadExamples(tokenizer, manifest.training.maxSeqLen);
    if (examples.length === 0) throw new Error('your data gave no usable training examples');
    report.emit({ type: 'dataset', examples: examples.length, tokens: countLossTokens(examples) });
    const plan = manifestPlan(manifest);
    const dataSeed = mixSeed(manifest.training.seed, hashName(clientId ?? 'client'));
    return { manifest, trainer: trainerFor(manifest, plan, weights, examples, dataSeed) };
  }

  ready(runId: string): Promise<ReadyResponse> {
    return request(this.socket, 'round:ready', { runId }, this.timeoutMs);
  }

  /** client:status, best effort (a lost one is replaced by the next). */
  reportStatus(status: { state: 'idle' | 'downloading' | 'training' | 'paused'; tokensPerSecond: number }): void {
    if (!this.socket.connected) return;
    request(this.socket, 'client:status', status, 10_000).catch(() => {});
  }

  /** session:leave, best effort: the volunteer leaves whatever the answer. */
  async leave(): Promise<void> {
    try {
      if (this.socket.connected) await request(this.socket, 'session:leave', {}, 5000);
    } catch {
      // leaving anyway
    }
  }
}

/** The trainer of the run's method: LoRA on the split (u-shaped: the tab also keeps the head) or on the whole model (fedlora), or one block at a time of the split or of the whole model. */
function trainerFor(manifest: ClientManifest, plan: ReturnType<typeof manifestPlan>, weights: Uint8Array, examples: Example[], dataSeed: number): RoundTrainer {
  const uploadDtype = manifest.cycle?.uploadDtype ?? 'float16';
  switch (manifest.method) {
    case 'sl': // sequential split learning trains the standard split, one volunteer at a time
    case 'splitlora':
      return plan.uShaped
        ? new UShapedTrainer(clientModelFromWeights(plan, weights), plan, manifest.training, examples, dataSeed, manifest.heldOutEval !== false)
        : new LocalTrainer(clientModelFromWeights(plan, weights), plan, manifest.training, examples, dataSeed);
    case 'cybgd':
      return new LocalBlockTrainer(clientModelFromWeights(plan, weights, true), manifest.training, uploadDtype, examples, dataSeed);
    case 'cybgd-split':
      return new SplitBlockTrainer(clientModelFromWeights(plan, weights), plan, manifest.training, uploadDtype, examples, dataSeed);
    case 'fedlora':
      return new FedLoraTrainer(clientModelFromWeights(plan, weights), plan, manifest.training, examples, dataSeed);
  }
}
