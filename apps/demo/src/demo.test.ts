// `pnpm demo -- --clients 3 --rounds 2 --json` as a user runs it (a child process): on the default model the JSON
// names it and says its weights are pretrained, the run finishes without leaks, and fine-tuning on E2E lowers the
// evaluation loss after round 2 by at least 0.3 nats below round 0's.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODEL } from '@splitlora/protocol';
import { expect, it } from 'vitest';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const MIN_DROP = 0.3;

interface DemoSummary {
  model: string;
  weights: string;
  state: string;
  tensorsLeaked: number;
  initialEvalLoss: number | null;
  rounds: { round: number; evalLoss: number | null }[];
}

function runDemo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'apps/demo/src/cli.ts'), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((done) => child.once('exit', (code) => done({ code: code ?? -1, stdout, stderr })));
}

it(`fine-tunes the default model so the eval loss after round 2 is ≥ ${MIN_DROP} nats below round 0`, async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'demo-runs-'));
  const { code, stdout, stderr } = await runDemo(['--clients', '3', '--rounds', '2', '--json', '--runs-dir', runsDir]);
  expect(code, stderr.slice(-2000)).toBe(0);
  const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as DemoSummary;
  expect(summary.model).toBe(DEFAULT_MODEL);
  expect(summary.weights).toBe('pretrained');
  expect([summary.state, summary.tensorsLeaked]).toEqual(['finished', 0]);
  const round0 = summary.initialEvalLoss!;
  const round2 = summary.rounds.find((r) => r.round === 2)!.evalLoss!;
  console.log(`demo on ${summary.model}: eval loss round 0 ${round0.toFixed(4)} → round 2 ${round2.toFixed(4)} (drop ${(round0 - round2).toFixed(4)})`);
  expect(round0 - round2).toBeGreaterThanOrEqual(MIN_DROP);
}, 15 * 60_000);
