// Smoke test of every benchmark: `pnpm bench <name> --smoke --json` runs, exits 0, and its last stdout line is one
// JSON object with the fields the docs and dashboards read. Full-size runs are not part of the tests.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leakageFiguresSchema, recoveryAtCut } from '@splitlora/protocol';
import { redisServerPath } from '@splitlora/server';
import { benchmarkNames } from './benchmarks.js';
import { type ChildResult, runChild } from '../tools/run-child.js';
import { REPO_ROOT } from './lib/python.js';

type Json = Record<string, any>; // JSON read back from a child process, indexed freely

/** Runs `pnpm bench …` (tools/run-child.ts: without blocking the test worker). */
function bench(args: string[], timeoutMs: number): Promise<ChildResult> {
  return runChild('pnpm', ['--silent', 'bench', ...args], { cwd: REPO_ROOT, env: { ...process.env, FORCE_COLOR: '0' }, timeoutMs });
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

  it('wire, u-shaped: no labels, the second exchange accounted, and the meter agrees with the server', async () => {
    const json = await smoke('wire', 150_000, ['--runs', 'tiny:fp16:u-shaped']);
    const run = (json['runs'] as Json[])[0]!;
    expect([run['run'], run['state']]).toEqual(['tiny:fp16:u-shaped', 'finished']);
    expect(run['trainedTokens']).toBeGreaterThan(0);
    expect(run['bytesPerToken']['labels']).toBe(0);
    for (const key of ['activations', 'server outputs', 'output gradients', 'gradients', 'held-out evaluation']) expect(run['bytesPerToken'][key]).toBeGreaterThan(0);
    expect(run['check']['meterUp']).toBe(run['check']['registryUp']);
    expect(run['check']['measuredStepBinary']).toBe(run['check']['expectedStepBinary']);
  }, 180_000);

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

  it.skipIf(redisServerPath() === null)('scale --workers 1,2: split-worker processes behind a coordinator and Redis train, and the table compares them', async () => {
    const json = await smoke('scale', 420_000, ['--workers', '1,2']);
    const levels = json['levels'] as Json[];
    expect(levels.map((l) => [l['splitWorkers'], l['clients']])).toEqual([[1, 2], [2, 2]]);
    for (const level of levels) {
      expect(level['status']).toBe('ok');
      expect(level['tokensPerSecond']).toBeGreaterThan(0);
      expect(level['serverBusyPercent']).toBeGreaterThan(0); // the workers' busy time reached the coordinator
      expect(level['latencyP50Ms']).toBeGreaterThan(0);
      expect(level['rssMiB']).toBeGreaterThan(0);
    }
  }, 480_000);

  it('convergence: seven methods with curves, a target, parameter counts and the SVG; FedCyBGD uploads one fp16 block', async () => {
    const json = await smoke('convergence', 420_000);
    const methods = json['methods'] as Json[];
    expect(methods).toHaveLength(7);
    for (const name of ['FedCyBGD (whole model)', 'FedCyBGD split (SFL-V2 server)']) {
      const m = methods.find((x) => x['method'] === name)!;
      expect(m['traffic']['updateUpPerRound']).toBe(2 * m['clientTrainable']); // the trained block, fp16
    }
    expect(methods.find((x) => x['method'] === 'FedCyBGD (whole model)')!['traffic']['stepUpPerRound']).toBe(0); // no activations leave the tab
    for (const m of methods) {
      expect(m['curve'].length).toBe(3);
      expect(Number.isFinite(m['finalLoss'])).toBe(true);
    }
    expect(new Set(methods.map((m) => m['tokens'])).size).toBe(1); // the same token budget for every method
    expect(Number.isFinite(json['target'])).toBe(true);
    expect(existsSync(join(REPO_ROOT, json['svg']))).toBe(true);
  }, 450_000);

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

  it('secagg --real: the same real run off and on, bytes and seconds per round, every volunteer in the secure sum', async () => {
    const json = await smoke('secagg', 270_000, ['--real']);
    const [c] = json['comparisons'] as Json[];
    expect(c!['clients']).toBe(3);
    expect([c!['off']['state'], c!['on']['state']]).toEqual(['finished', 'finished']);
    expect(c!['on']['reporters']).toEqual([3]); // the counted round's secure aggregation had all three survivors
    expect(c!['off']['bytesUp']).toBeGreaterThan(0);
    expect(c!['added']['upPerVolunteer']).toBeGreaterThan(0); // keys, encrypted shares and unmasking shares
    expect(c!['added']['downPerVolunteer']).toBeGreaterThan(0);
    expect(c!['on']['seconds']).toBeGreaterThan(0);
  }, 300_000);

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
  it('leak-attack: recovery rates per cut, attack and adapter; the cut activations give tokens away', async () => {
    const json = await smoke('leak-attack', 150_000);
    const results = json['results'] as Json[];
    expect([...new Set(results.map((r) => r['cut']))]).toEqual([1, 2]);
    for (const r of results) {
      expect(r['positions']).toBeGreaterThan(0);
      for (const key of ['exact', 'top5']) {
        expect(r[key]).toBeGreaterThanOrEqual(0);
        expect(r[key]).toBeLessThanOrEqual(1);
      }
      expect(r['top5']).toBeGreaterThanOrEqual(r['exact']);
    }
    for (const attack of ['nearest', 'greedy', 'inversion']) {
      for (const adapter of ['initial', 'trained']) expect(results.some((r) => r['attack'] === attack && r['adapter'] === adapter), `${attack} ${adapter}`).toBe(true);
    }
    // A sanity condition that can fail: chance is 1/50257, yet at cut 1 of the random-weight tiny model with an fp32
    // wire the context-free table recovers most tokens, and the greedy decoder (the attacker's blocks are the
    // volunteer's, B = 0) every token its shortlist holds.
    const at = (attack: string) => results.find((r) => r['cut'] === 1 && r['attack'] === attack && r['adapter'] === 'initial' && r['wire'] === 'float32')!;
    expect(json['chance']).toBeCloseTo(1 / 50257, 8);
    expect(at('nearest')['exact']).toBeGreaterThan(0.3);
    expect(at('greedy')['exact']).toBe(at('greedy')['searchedRecall']);
    expect(at('greedy')['exact']).toBeGreaterThan(0.9);
    // The project's activation noise at σ = 1 (ε ≈ 11 per release) leaves the table attack near chance.
    const noisy = results.find((r) => r['cut'] === 1 && r['attack'] === 'nearest' && r['noise'] === 1)!;
    expect(noisy['exact']).toBeLessThan(0.05);
    expect(json['noiseEpsilonPerRelease'][0]['epsilon']).toBeCloseTo(10.7, 0);
    // U-shaped: the targets never travel, yet the gradients of the server's output give them away (frozen, known head).
    const labels = json['uShapedLabels'] as Json[];
    expect(labels.map((l) => l['cut'])).toEqual([1, 2]);
    for (const l of labels) expect([l['positions'] > 0, l['exact'] > 0.9]).toEqual([true, true]);
    const summary = leakageFiguresSchema.parse(JSON.parse(readFileSync(join(REPO_ROOT, json['summary']), 'utf8')));
    expect(recoveryAtCut(summary, 1)).toEqual((json['perCut'] as Json[])[0]!['best']);
    expect(recoveryAtCut(summary, 5)).toBeNull();
  }, 180_000);

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
