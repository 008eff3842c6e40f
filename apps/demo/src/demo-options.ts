// Command-line options of `pnpm demo` and the run config they describe.
import { parseArgs } from 'node:util';
import { NODE_BACKEND_CHOICES, type NodeBackendChoice } from '@splitlora/node';
import { DEFAULT_MODEL, describeIssues, LAYOUTS, type RunConfig, runConfigSchema } from '@splitlora/protocol';

export interface DemoOptions {
  clients: number;
  /** The server's tfjs backend (the volunteers run wasm). */
  backend: NodeBackendChoice;
  json: boolean;
  verbose: boolean;
  dataDir: string | undefined;
  runsDir: string | undefined;
  workers: number | undefined;
  shard: string | undefined;
  /** Split workers as child processes, coordinated through `redis` (scale-out); undefined: one server process. */
  serverProcesses: number | undefined;
  redis: string | undefined;
  run: RunConfig;
}

export const DEMO_HELP = `SplitLoRA demo: a server and a Node fleet fine-tune a GPT-2 on E2E, then print a JSON summary

  pnpm demo -- [--clients 3] [--rounds 2] [--json]

  --method M        splitlora (default), cybgd (one whole block per round, whole model in the tab), cybgd-split,
                    sl (sequential split learning: volunteers take turns, the client adapter handed on)
                    or fedlora (federated LoRA: LoRA on every block, whole model in the tab; the server only averages)
  --clients N       volunteers (default 3)          --rounds R        rounds (default 2)
  --local-steps I   local steps per round (default 5)
  --batch B         batch size (default 8)          --seq T           max sequence length (default 64)
  --lr X            learning rate (default 2e-3)    --sfl v1|v2       SFL variant (default v2)
  --wire fp16|fp32  wire precision (default fp16)   --model M         ${DEFAULT_MODEL} (default, pretrained), a preset
                                                                      (random weights: tiny, gpt2, …) or hf:<folder>
  --cut K           cut layer (default 3)           --eval-samples N  evaluation examples (default 64)
  --layout L        standard (default) or u-shaped: the tabs keep ln_f and the head, so targets and losses stay
                    in them (the server evaluates on the public E2E test set)
  --backend B       the server's tfjs backend: auto, tensorflow, webgpu, wasm or cpu (default auto)
  --shard MODE      iid or attr:<attribute>         --workers W       fleet worker threads (default min(N, 2))
  --data-dir D      data folder (default $SPLITLORA_DATA_DIR, ../shared/data, or downloaded)
  --runs-dir D      where the run folder goes (default ./runs)
  --server-processes N  N split workers (child processes) and a coordinator, through --redis redis://host:port
  --dp-noise σ      client-level DP-FedAvg with noise multiplier σ (ε per round in the JSON; docs/PRIVACY.md)
  --dp-clip C       DP clip norm of each update (default 0.1)   --dp-delta δ   (default 1e-5)
  --dp-epsilon-budget ε  stop (or warn) before a round that would pass ε   --dp-on-spent stop|warn (default stop)
  --secure-aggregation   pairwise-masked secure aggregation: the server learns only the sum of the updates
  --activation-noise σ[:C]  clip each example's cut activations to norm C (default 1) and add N(0, σ²C²) in the tab
                    (splitlora and sl; per-example ε for one release, planned and counted by each volunteer in the JSON)
  --json            end with one JSON object on the last line of stdout
  --verbose         server logs on stderr
`;

export function parseDemoOptions(argv: string[]): DemoOptions | null {
  const { values } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : argv, strict: true,
    options: {
      clients: { type: 'string' }, rounds: { type: 'string' }, 'local-steps': { type: 'string' }, batch: { type: 'string' }, seq: { type: 'string' },
      lr: { type: 'string' }, sfl: { type: 'string' }, wire: { type: 'string' }, model: { type: 'string' }, cut: { type: 'string' },
      'eval-samples': { type: 'string' }, shard: { type: 'string' }, workers: { type: 'string' }, 'data-dir': { type: 'string' },
      'runs-dir': { type: 'string' }, method: { type: 'string' }, layout: { type: 'string' }, backend: { type: 'string' }, 'server-processes': { type: 'string' },
      redis: { type: 'string' }, json: { type: 'boolean' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      'dp-noise': { type: 'string' }, 'dp-clip': { type: 'string' }, 'dp-delta': { type: 'string' }, 'dp-epsilon-budget': { type: 'string' },
      'dp-on-spent': { type: 'string' }, 'secure-aggregation': { type: 'boolean' }, 'activation-noise': { type: 'string' },
    },
  });
  if (values.help) return null;
  const num = (v: string | undefined, fallback: number, name: string) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, found "${v}"`);
    return n;
  };
  const clients = num(values.clients, 3, 'clients');
  const backend = (values.backend ?? 'auto') as NodeBackendChoice;
  if (!NODE_BACKEND_CHOICES.includes(backend)) throw new Error(`--backend must be one of ${NODE_BACKEND_CHOICES.join(', ')}, found "${backend}"`);
  const wire = values.wire ?? 'fp16';
  if (wire !== 'fp16' && wire !== 'fp32') throw new Error(`--wire must be fp16 or fp32, found "${wire}"`);
  const layout = values.layout ?? 'standard';
  if (!(LAYOUTS as readonly string[]).includes(layout)) throw new Error(`--layout must be ${LAYOUTS.join(' or ')}, found "${layout}"`);
  const parsed = runConfigSchema.safeParse({
    layout,
    name: 'SplitLoRA demo', method: values.method ?? 'splitlora', model: values.model ?? DEFAULT_MODEL, cut: num(values.cut, 3, 'cut'), rounds: num(values.rounds, 2, 'rounds'),
    localSteps: num(values['local-steps'], 5, 'local-steps'), batchSize: num(values.batch, 8, 'batch'), maxSeqLen: num(values.seq, 64, 'seq'),
    padMultiple: 8, lr: num(values.lr, 2e-3, 'lr'), schedule: 'linear', warmupSteps: 0, sfl: values.sfl ?? 'v2',
    wireDtype: wire === 'fp16' ? 'float16' : 'float32', minClients: clients, maxClients: clients, roundTimeoutSec: 600,
    evalData: 'e2e/testset_w_refs.csv', evalSamples: num(values['eval-samples'], 64, 'eval-samples'),
    dp: dpOptions(values, num), secureAggregation: values['secure-aggregation'] ?? false,
    activationNoise: activationNoiseOption(values['activation-noise']),
  });
  if (!parsed.success) throw new Error(`invalid demo settings: ${describeIssues(parsed.error)}`);
  return {
    clients, backend, json: values.json ?? false, verbose: values.verbose ?? false, dataDir: values['data-dir'], runsDir: values['runs-dir'],
    workers: values.workers === undefined ? undefined : num(values.workers, 2, 'workers'), shard: values.shard, run: parsed.data,
    serverProcesses: values['server-processes'] === undefined ? undefined : serverProcesses(num(values['server-processes'], 1, 'server-processes'), values.redis),
    redis: values.redis,
  };
}

function serverProcesses(n: number, redis: string | undefined): number {
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`--server-processes must be a whole number from 1 to 64, found ${n}`);
  if (redis === undefined) throw new Error('--server-processes needs --redis redis://host:port (a running redis-server)');
  return n;
}

/** The run's `dp` from the --dp-* flags; null without --dp-noise (the others then make no sense and are refused). */
function dpOptions(values: Record<string, string | boolean | undefined>, num: (v: string | undefined, fallback: number, name: string) => number): unknown {
  const str = (name: string) => values[name] as string | undefined;
  if (str('dp-noise') === undefined) {
    const stray = ['dp-clip', 'dp-delta', 'dp-epsilon-budget', 'dp-on-spent'].find((name) => values[name] !== undefined);
    if (stray !== undefined) throw new Error(`--${stray} needs --dp-noise`);
    return null;
  }
  return {
    noiseMultiplier: num(str('dp-noise'), 0, 'dp-noise'), clipNorm: num(str('dp-clip'), 0.1, 'dp-clip'), delta: num(str('dp-delta'), 1e-5, 'dp-delta'),
    epsilonBudget: str('dp-epsilon-budget') === undefined ? null : num(str('dp-epsilon-budget'), 0, 'dp-epsilon-budget'), onBudgetSpent: str('dp-on-spent') ?? 'stop',
  };
}

/** `--activation-noise SIGMA[:CLIP]` as the run's `activationNoise` (the clip norm defaults to 1); null without the flag. */
export function activationNoiseOption(value: string | undefined): unknown {
  if (value === undefined) return null;
  const match = /^([^:]+)(?::([^:]+))?$/.exec(value);
  const sigma = Number(match?.[1]);
  const clip = match?.[2] === undefined ? 1 : Number(match[2]);
  if (match === null || !Number.isFinite(sigma) || !Number.isFinite(clip)) throw new Error(`--activation-noise must be SIGMA or SIGMA:CLIP (numbers), found "${value}"`);
  return { noiseMultiplier: sigma, clipNorm: clip };
}
