// Smoke test of every benchmark: `pnpm bench <name> --smoke --json` runs, exits 0, and its last stdout line is one
// JSON object with the fields the docs and dashboards read. Full-size runs are not part of the tests.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmarkNames } from './benchmarks.js';
import { REPO_ROOT } from './lib/python.js';

type Json = Record<string, any>; // JSON read back from a child process, indexed freely

interface BenchResult { status: number | null; stdout: string; stderr: string }

/** Runs `pnpm bench …` without blocking the test worker (a blocked worker misses vitest's RPC deadlines). */
function bench(args: string[], timeoutMs: number): Promise<BenchResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('pnpm', ['--silent', 'bench', ...args], { cwd: REPO_ROOT, env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

async function smoke(name: string, timeoutMs: number, extra: string[] = []): Promise<Json> {
  const { status, stdout, stderr } = await bench([name, '--smoke', '--json', ...extra], timeoutMs);
  if (status !== 0) throw new Error(`pnpm bench ${name} --smoke exited with ${status}:\n${stderr.slice(-2000)}`);
  const last = stdout.trim().split('\n').at(-1)!;
  const json = JSON.parse(last) as Json;
  expect(json['benchmark']).toBe(name);
  expect(json['smoke']).toBe(true);
  expect(json['machine']).toHaveProperty('cpus');
  expect(stdout).toContain('### '); // a readable table before the JSON
  return json;
}

describe('pnpm bench', () => {
  it('names the known benchmarks when given an unknown one, and tolerates pnpm\'s leading --', async () => {
    const unknown = await bench(['--', 'nope'], 60_000);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown benchmark "nope"');
    for (const name of benchmarkNames()) expect(unknown.stderr).toContain(name);
    const badFlag = await bench(['leak', '--smoke', '--no-such-flag'], 60_000);
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toContain('unknown flag --no-such-flag');
  }, 120_000);

  it('server: tokens/s per backend, torch status, ratios', async () => {
    const json = await smoke('server', 120_000);
    const wasm = (json['results'] as Json[]).find((r) => r['backend'] === 'wasm');
    expect(wasm?.['status']).toBe('ok');
    expect(wasm?.['tokensPerSecond']).toBeGreaterThan(0);
    expect((json['results'] as Json[]).some((r) => r['backend'] === 'tensorflow')).toBe(true); // measured or "unavailable" with a reason
    expect(typeof json['torch']['available']).toBe('boolean');
    if (!json['torch']['available']) expect(json['torch']['reason']).toMatch(/torch/);
    expect(Array.isArray(json['ratios'])).toBe(true);
  }, 150_000);

  it('client: Node backends and headless Chromium (wasm, webgpu)', async () => {
    const json = await smoke('client', 150_000);
    const results = json['results'] as Json[];
    expect(results.find((r) => r['where'] === 'node' && r['backend'] === 'wasm')?.['tokensPerSecond']).toBeGreaterThan(0);
    for (const backend of ['wasm', 'webgpu']) {
      const row = results.find((r) => r['where'] === 'chromium' && r['backend'] === backend);
      expect(row, `chromium ${backend} row`).toBeDefined();
      expect(['ok', 'unavailable']).toContain(row!['status']);
      if (row!['status'] !== 'ok') expect(row!['reason']).toBeTruthy();
    }
  }, 180_000);

  it('wire: bytes per trained token, breakdown, reference ratio, and the meter agrees with the server', async () => {
    const json = await smoke('wire', 120_000);
    const run = (json['runs'] as Json[])[0]!;
    expect(run['state']).toBe('finished');
    expect(run['trainedTokens']).toBeGreaterThan(0);
    for (const key of ['activations', 'labels', 'gradients', 'adapters', 'model download']) expect(run['bytesPerToken'][key]).toBeGreaterThan(0);
    expect(run['oursOverReference']['perStep']).toBeGreaterThan(0);
    expect(run['oursOverReference']['perStep']).toBeLessThan(1);
    expect(run['check']['meterUp']).toBe(run['check']['registryUp']);
    expect(run['check']['meterDown']).toBe(run['check']['registryDown']);
    expect(run['check']['measuredStepBinary']).toBe(run['check']['expectedStepBinary']);
  }, 150_000);

  it('scale: throughput, busy %, latency and memory per level', async () => {
    const json = await smoke('scale', 150_000);
    const levels = json['levels'] as Json[];
    expect(levels.map((l) => l['clients'])).toEqual([1, 2]);
    for (const level of levels) {
      expect(level['status']).toBe('ok');
      expect(level['tokensPerSecond']).toBeGreaterThan(0);
      expect(level['serverBusyPercent']).toBeGreaterThan(0);
      expect(level['latencyP50Ms']).toBeGreaterThan(0);
      expect(level['rssMiB']).toBeGreaterThan(0);
    }
  }, 180_000);

  it('convergence: five methods with curves, a target, parameter counts and the SVG', async () => {
    const json = await smoke('convergence', 150_000);
    const methods = json['methods'] as Json[];
    expect(methods).toHaveLength(5);
    for (const m of methods) {
      expect(m['curve'].length).toBe(3);
      expect(Number.isFinite(m['finalLoss'])).toBe(true);
    }
    expect(new Set(methods.map((m) => m['tokens'])).size).toBe(1); // the same token budget for every method
    expect(Number.isFinite(json['target'])).toBe(true);
    expect(existsSync(join(REPO_ROOT, json['svg']))).toBe(true);
  }, 180_000);

  it('conv1d: both versions measured and giving the same input gradient', async () => {
    const json = await smoke('conv1d', 120_000);
    const row = (json['results'] as Json[]).find((r) => r['status'] === 'ok')!;
    expect(row['v1Ms']).toBeGreaterThan(0);
    expect(row['v2Ms']).toBeGreaterThan(0);
    expect(row['maxAbsDiff']).toBeLessThan(1e-4);
  }, 150_000);

  it('secagg: bytes and seconds per setting, the sum checked against the plain sum', async () => {
    const json = await smoke('secagg', 120_000);
    expect(json['correct']).toBe(true);
    expect(json['vectorLength']).toBe(36864); // the paper's client adapter: LoRA r=4 on q,v of gpt2 blocks 0-2
    const results = json['results'] as Json[];
    expect(results.map((r) => [r['clients'], r['dropped']])).toEqual([[3, 0], [3, 1]]);
    for (const r of results) {
      expect(r['bytesPerVolunteer']['maskedInput']).toBe(4 * 36864);
      expect(r['bytesPerVolunteer']['addedUp']).toBeGreaterThan(0);
      expect(r['volunteerMs']).toBeGreaterThan(0);
      expect(r['serverMs']).toBeGreaterThan(0);
      expect(r['maxAbsError']).toBeLessThanOrEqual(r['errorBound']);
    }
  }, 150_000);

  it('decode: cache and full recompute measured, same tokens, no leak', async () => {
    const json = await smoke('decode', 120_000);
    const result = (json['results'] as Json[])[0]!;
    expect(result['status']).toBe('ok');
    expect(result['cacheTokensPerSecond']).toBeGreaterThan(0);
    expect(result['speedup']).toBeGreaterThan(0);
    expect(result['sameTokens']).toBe(true);
    expect(result['tensorsLeaked']).toBe(0);
  }, 150_000);

  it('gpu: server and client steps on webgpu (Dawn; SwiftShader here) with kernels, dispatches and host ms', async () => {
    const json = await smoke('gpu', 840_000);
    expect(json['backend']).toBe('webgpu');
    expect(typeof json['device']['fallback']).toBe('boolean');
    const cases = json['cases'] as Json[];
    expect(cases.map((c) => c['case'])).toEqual(['server:tiny:1x8', 'client:tiny:1x8']);
    for (const c of cases) {
      expect(c['status'], String(c['reason'])).toBe('ok');
      expect(c['msPerStep']).toBeGreaterThan(0);
      expect(c['kernelsPerStep']).toBeGreaterThan(100);
      expect(c['dispatchesPerStep']).toBeGreaterThan(0);
      expect(c['dispatchesPerStep']).toBeLessThanOrEqual(c['kernelsPerStep']);
      expect(c['hostMsPerStep']).toBeGreaterThan(0);
      expect(c['hostMsPerStep']).toBeLessThanOrEqual(c['msPerStep']);
    }
    expect(Number.isFinite(cases[0]!['loss'])).toBe(true);
  }, 900_000);

  it('fused: kernels and dispatches of a client step with the fused WebGPU kernels off and on', async () => {
    const json = await smoke('fused', 150_000);
    const rows = json['rows'] as Json[];
    const [off, on] = [false, true].map((fused) => rows.find((r) => r['side'] === 'client' && r['fused'] === fused)!);
    expect(off!['dispatches']).toBeGreaterThan(0);
    expect(on!['dispatches']).toBeLessThan(off!['dispatches']);
    expect(on!['engineKernels']).toBeLessThan(off!['engineKernels']);
    expect(off!['fusedKernelCalls']).toBe(0);
    expect(on!['fusedKernelCalls']).toBeGreaterThan(0);
    expect(json['headChunk']['on']['dispatches']).toBeLessThan(json['headChunk']['off']['dispatches']);
  }, 180_000);

  it('leak: tensor counts sampled on both sides, flat', async () => {
    const json = await smoke('leak', 120_000);
    expect(json['flat']).toBe(true);
    expect(json['server']['samples'].length).toBeGreaterThan(1);
    expect(json['client']['samples'].length).toBeGreaterThan(1);
  }, 150_000);
});
