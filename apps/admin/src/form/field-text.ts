// Label and one-line explanation of every run form field, as shown next to the inputs.
import type { FormField } from './run-form-model.js';

export interface FieldText { label: string; help: string }

export const FIELD_TEXT: Record<FormField, FieldText> = {
  name: { label: 'Run name', help: 'Shown to volunteers and in the logs.' },
  model: { label: 'Model', help: 'tiny-shakespeare is pretrained and ships with the server; the GPT-2 presets start from random weights (they learn little); or a Hugging Face GPT-2 folder from the server’s models directory.' },
  cut: { label: 'Cut layer', help: 'Volunteers run the embeddings and the first blocks; the server runs the rest.' },
  seed: { label: 'Seed', help: 'Seeds adapter initialisation, data order and dropout, so a run can be repeated.' },
  loraR: { label: 'LoRA rank r', help: 'Rank of the update A·B; the paper uses 4.' },
  loraAlpha: { label: 'LoRA alpha', help: 'The update is scaled by alpha / r (32 / 4 = 8 in the paper).' },
  loraDropout: { label: 'LoRA dropout', help: 'Dropout on the adapter’s input during training (0 – 0.9).' },
  loraModules: { label: 'Adapted modules', help: 'Which Conv1D layers of every block get an adapter (PEFT target_modules).' },
  loraQkv: {
    label: 'Projections of c_attn',
    help: 'The paper adapts only query and value (enable_lora [q, v]); all three adapt the whole module as PEFT does.',
  },
  lr: { label: 'Learning rate', help: 'AdamW step size for both sides; the paper uses 2e‑4.' },
  schedule: { label: 'LR schedule', help: 'Linear decays to 0 over all rounds; cosine follows a half cosine; constant keeps it.' },
  warmupSteps: { label: 'Warm-up steps', help: 'Steps of linear warm-up before the schedule starts.' },
  weightDecay: { label: 'Weight decay', help: 'AdamW decoupled weight decay on the adapters.' },
  maxGradNorm: { label: 'Max grad norm', help: 'Clips each side’s adapter gradient to this global norm; 0 turns clipping off.' },
  labelSmoothing: { label: 'Label smoothing', help: 'Softens the next-token targets (0 = plain cross-entropy).' },
  batchSize: { label: 'Batch size', help: 'Sequences per local step on each volunteer.' },
  maxSeqLen: { label: 'Max sequence length', help: 'Tokens per sequence; longer examples are cut.' },
  padMultiple: { label: 'Pad to multiple of', help: 'Batches are padded to a multiple of this; max length must be one of its multiples.' },
  localSteps: { label: 'Local steps', help: 'Steps each volunteer trains per round before the adapters are averaged.' },
  rounds: { label: 'Rounds', help: 'Federated rounds; each ends with a weighted average of the client adapters.' },
  minClients: { label: 'Min clients', help: 'A round starts once this many volunteers are ready (state “waiting” until then).' },
  maxClients: { label: 'Max clients', help: 'At most this many volunteers take part in one round.' },
  roundTimeoutSec: { label: 'Round timeout (s)', help: 'A round closes with the updates that arrived by then.' },
  reconnectGraceSec: { label: 'Reconnect grace (s)', help: 'How long a dropped participant may take to come back before its round goes on without it.' },
  sfl: {
    label: 'SFL variant',
    help: 'V2: one shared server adapter; activations that arrive together are fused into one server batch. '
      + 'V1: one server adapter copy per client, averaged at the end of each round.',
  },
  wireDtype: { label: 'Wire precision', help: 'Precision of activations and gradients on the wire; fp16 halves the traffic.' },
  fusionWindowMs: { label: 'Fusion window (ms)', help: 'SFL-V2: activations arriving within this window form one server batch.' },
  evalData: { label: 'Evaluation data', help: 'A file in the server’s data folder; eval loss and perplexity are measured after every round.' },
  evalSamples: { label: 'Eval samples', help: 'How many examples of the evaluation file are scored.' },
};
