// The GPU benchmark's run: the PyTorch peer first (if its script and a CUDA python are there), then the backend and
// its adapter, matMul speed, and each case — emitting one record per result as soon as it exists, so a run that is
// killed still leaves what it measured.
import { backendFlagValues, type BackendFlagName, type FlagValue, setBackendFlags } from '@splitlora/core';
import { type NodeBackendChoice, selectNodeBackend } from '@splitlora/node';
import * as tf from '@tensorflow/tfjs-core';
import { matMulGflops } from '../lib/matmul-speed.js';
import { adapterReport } from './adapter-report.js';
import { caseName, type GpuCase } from './gpu-cases.js';
import { type CaseBudget, type CaseResult, estimatedFlops, measureCase } from './measure-case.js';
import { runTorchPeer, torchMsFor, type TorchRun } from './torch-peer.js';

export interface GpuBenchOptions {
  backend: NodeBackendChoice;
  /** Cases to run; null picks by adapter (all on a hardware GPU, the small ones on a software adapter). */
  cases: GpuCase[] | null;
  smallCases: GpuCase[];
  fullCases: GpuCase[];
  flags: Partial<Record<BackendFlagName, FlagValue>>;
  budget: CaseBudget;
  /** Cases whose estimated step (FLOPs at the measured matMul speed) exceeds this are skipped, with the reason. */
  maxStepS: number;
  /** The PyTorch peer script, or null to skip it. */
  torchScript: string | null;
  torchTimeoutMs: number;
  /** n of the n³ matMuls to time on a hardware adapter (TFLOP/s lines). */
  matmulSizes: number[];
  emit: (record: Record<string, unknown>) => void;
  log: (line: string) => void;
}

export interface CaseRecord extends Omit<CaseResult, 'status'> {
  status: CaseResult['status'] | 'skipped';
  backend: string;
  torchFp32Ms: number | null;
  torchTf32Ms: number | null;
  /** Our tokens/s over PyTorch fp32's on the same GPU (ms ratio inverted). */
  oursOverTorchFp32: number | null;
  oursOverTorchTf32: number | null;
}

export interface GpuBenchResult {
  backend: string;
  device: Record<string, unknown>;
  adapter: Record<string, unknown>;
  flags: Record<string, FlagValue>;
  matmul: { n: number; gflops: number }[];
  cases: CaseRecord[];
  torch: TorchRun;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function runGpuBenchmark(o: GpuBenchOptions): Promise<GpuBenchResult> {
  setBackendFlags(o.flags);
  const torch: TorchRun = o.torchScript === null ? { results: [], problems: ['skipped (--torch none)'] } : { results: [], problems: [] };
  if (o.torchScript !== null) {
    o.log(`PyTorch peer: ${o.torchScript}…`);
    const run = await runTorchPeer(o.torchScript, o.cases ?? o.fullCases, o.torchTimeoutMs, o.log);
    torch.results.push(...run.results);
    torch.problems.push(...run.problems);
    for (const r of run.results) o.emit({ ...r });
    if (run.problems.length > 0) o.emit({ kind: 'torch-problems', problems: run.problems });
  }
  const adapter = await adapterReport();
  const selection = await selectNodeBackend(o.backend);
  const flags = backendFlagValues();
  o.log(`backend ${selection.backend}: ${selection.detail}`);
  o.emit({ kind: 'device', backend: selection.backend, device: selection.device, detail: selection.detail, adapter, flags, tfjs: tf.version_core });

  const hardware = selection.device.kind === 'gpu' && !selection.device.fallback;
  const matmul: { n: number; gflops: number }[] = [];
  for (const n of hardware ? o.matmulSizes : [256]) {
    const gflops = await matMulGflops(n, hardware ? 5 : 1);
    matmul.push({ n, gflops: round(gflops, 2) });
    o.emit({ kind: 'matmul', n, gflops: round(gflops, 2) });
  }
  const speed = matmul.at(-1)!.gflops;
  const cases = o.cases ?? (hardware ? o.fullCases : o.smallCases);
  const records: CaseRecord[] = [];
  for (const c of cases) {
    const estimateS = estimatedFlops(c) / (speed * 1e9);
    let result: CaseResult | null = null;
    let record: CaseRecord;
    if (estimateS > o.maxStepS) {
      const reason = `≈${estimateS.toFixed(0)} s per step at ${speed} GFLOP/s (limit ${o.maxStepS} s, --max-step-s)`;
      record = { ...skipped(c, reason), backend: selection.backend, torchFp32Ms: null, torchTf32Ms: null, oursOverTorchFp32: null, oursOverTorchTf32: null };
    } else {
      o.log(`${caseName(c)}: measuring (≈${estimateS.toFixed(1)} s per step estimated)…`);
      result = await measureCase(c, o.budget, o.log);
      const fp32 = torchMsFor(torch, c, 'fp32');
      const tf32 = torchMsFor(torch, c, 'tf32');
      const ms = result.msPerStep;
      record = {
        ...result, backend: selection.backend, torchFp32Ms: fp32, torchTf32Ms: tf32,
        oursOverTorchFp32: ms !== null && fp32 !== null ? round(fp32 / ms, 4) : null, oursOverTorchTf32: ms !== null && tf32 !== null ? round(tf32 / ms, 4) : null,
      };
    }
    records.push(record);
    o.emit({ ...record });
  }
  return { backend: selection.backend, device: { ...selection.device }, adapter, flags, matmul, cases: records, torch };
}

function skipped(c: GpuCase, reason: string): Omit<CaseRecord, 'backend' | 'torchFp32Ms' | 'torchTf32Ms' | 'oursOverTorchFp32' | 'oursOverTorchTf32'> {
  return {
    kind: 'case', case: caseName(c), part: c.part, model: c.model, batch: c.batch, seq: c.seq, cut: c.cut, status: 'skipped', reason,
    msPerStep: null, tokensPerSecond: null, steps: 0, kernelsPerStep: null, dispatchesPerStep: null, gpuKernelMs: null, hostMsPerStep: null,
    hostShare: null, warmupMs: [], topKernels: [], frequentKernels: [], loss: null,
  };
}
