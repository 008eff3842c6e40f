// Command-line options of `pnpm evaluate`, validated with a clear message for each bad value.
import { parseArgs } from 'node:util';
import { type DecodeSettings, PAPER_DECODING } from '@splitlora/core';
import { NODE_BACKEND_CHOICES, type NodeBackendChoice } from '@splitlora/node';

export interface EvaluateCliOptions {
  adapter: string;
  base: string | undefined;
  /** Seed of a preset base's random weights (it must be the seed the adapter was trained on). */
  seed: number;
  data: string;
  samples: number | null;
  decoding: DecodeSettings;
  /** MRs decoded together. */
  batch: number;
  backend: NodeBackendChoice;
  dataDir: string | undefined;
  out: string | undefined;
  json: boolean;
}

export const EVALUATE_HELP = `E2E evaluation of a LoRA adapter: beam search on the test set's meaning representations, then
BLEU, NIST, METEOR (exact+stem), ROUGE-L, CIDEr (the E2E NLG Challenge scorer's definitions) and reference perplexity

  pnpm evaluate -- --adapter <adapter dir> [--base <hf dir or preset>] [--samples 20] [--json]

  --adapter DIR          PEFT adapter folder (adapter_config.json + adapter_model.safetensors)
  --base B               base model: a Hugging Face GPT-2 folder, tiny-shakespeare (pretrained, embedded) or a
                         preset (tiny, gpt2, …; random weights);
                         default: the adapter's base_model_name_or_path (a local folder or an embedded model)
  --seed N               seed of a preset base's random weights: the run's seed (default 0, as runs)
  --data FILE            E2E CSV with mr,ref columns (default e2e/testset_w_refs.csv in the data folder)
  --samples N            evaluate the first N distinct MRs (default: all)
  --beam K               beam size (default 10)          --length-penalty X   (default 0.8)
  --no-repeat-ngram N    ban repeated N-grams (default 4; 0 = off)
  --max-new-tokens N     generated tokens at most (default 64)
  --batch N              MRs decoded together, each with its beams (default 8)
  --backend B            auto | tensorflow | webgpu | wasm | cpu (default auto)
  --data-dir D           data folder (default $SPLITLORA_DATA_DIR, ../shared/data, or downloaded)
  --out FILE             where to store the results with every output (default <adapter>/e2e-evaluation.json)
  --json                 end with one JSON object on the last line of stdout
`;

export function parseEvaluateOptions(argv: string[]): EvaluateCliOptions | null {
  const { values } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : argv, strict: true,
    options: {
      adapter: { type: 'string' }, base: { type: 'string' }, seed: { type: 'string' }, data: { type: 'string' }, samples: { type: 'string' },
      beam: { type: 'string' }, 'length-penalty': { type: 'string' }, 'no-repeat-ngram': { type: 'string' }, 'max-new-tokens': { type: 'string' },
      batch: { type: 'string' }, backend: { type: 'string' }, 'data-dir': { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  if (values.adapter === undefined) throw new Error('--adapter <adapter dir> is required (see --help)');
  const int = (v: string | undefined, fallback: number, name: string, min: number): number => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, found "${v}"`);
    return n;
  };
  const real = (v: string | undefined, fallback: number, name: string): number => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, found "${v}"`);
    return n;
  };
  const backend = values.backend ?? 'auto';
  if (!(NODE_BACKEND_CHOICES as readonly string[]).includes(backend)) throw new Error(`--backend must be one of ${NODE_BACKEND_CHOICES.join(', ')}, found "${backend}"`);
  return {
    adapter: values.adapter,
    base: values.base,
    seed: int(values.seed, 0, 'seed', 0),
    data: values.data ?? 'e2e/testset_w_refs.csv',
    samples: values.samples === undefined ? null : int(values.samples, 0, 'samples', 1),
    decoding: {
      numBeams: int(values.beam, PAPER_DECODING.numBeams, 'beam', 1),
      lengthPenalty: real(values['length-penalty'], PAPER_DECODING.lengthPenalty, 'length-penalty'),
      noRepeatNgramSize: int(values['no-repeat-ngram'], PAPER_DECODING.noRepeatNgramSize, 'no-repeat-ngram', 0),
      maxNewTokens: int(values['max-new-tokens'], PAPER_DECODING.maxNewTokens, 'max-new-tokens', 1),
    },
    batch: int(values.batch, 8, 'batch', 1),
    backend: backend as NodeBackendChoice,
    dataDir: values['data-dir'],
    out: values.out,
    json: values.json ?? false,
  };
}
