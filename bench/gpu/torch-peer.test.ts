// The PyTorch peer's output is read into results and problems (a stand-in script prints what torch_split_step.py
// prints), and a missing or failing script becomes a problem, not an exception.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCases } from './gpu-cases.js';
import { runTorchPeer, torchMsFor } from './torch-peer.js';

const dir = mkdtempSync(join(tmpdir(), 'torch-peer-'));
const cases = parseCases('server:gpt2:8x512,client:gpt2:8x512', 3);

describe('runTorchPeer', () => {
  it('reads the TORCH and TORCHC lines, with per-spec errors as problems', async () => {
    const script = join(dir, 'peer.py');
    writeFileSync(script, [
      'import json, sys',
      'print("progress", file=sys.stderr)',
      'assert sys.argv[1] == "gpt2:8x512" and sys.argv[2] == "gpt2:8x512"',
      'print("TORCH " + json.dumps([{"part": "server", "backend": "torch-fp32", "model": "gpt2", "batch": 8, "seq": 512, "ms": 53.9, "tps": 76000}, {"spec": "gpt2:8x512", "prec": "tf32", "error": "CUDA out of memory"}]))',
      'print("TORCHC " + json.dumps([{"part": "client", "backend": "torch-tf32", "model": "gpt2", "batch": 8, "seq": 512, "ms": 15.0, "tps": 270000}]))',
    ].join('\n'));
    const lines: string[] = [];
    const run = await runTorchPeer(script, cases, 30_000, (line) => lines.push(line));
    expect(run.problems).toEqual(['server gpt2:8x512: CUDA out of memory']);
    expect(torchMsFor(run, cases[0]!, 'fp32')).toBe(53.9);
    expect(torchMsFor(run, cases[0]!, 'tf32')).toBeNull();
    expect(torchMsFor(run, cases[1]!, 'tf32')).toBe(15);
    expect(lines).toEqual(['[torch] progress']);
  });

  it('reports a missing script and a failing one as problems', async () => {
    expect((await runTorchPeer(join(dir, 'absent.py'), cases, 30_000, () => {})).problems[0]).toMatch(/no PyTorch peer script/);
    const failing = join(dir, 'fail.py');
    writeFileSync(failing, 'import sys\nprint("ModuleNotFoundError: No module named torch", file=sys.stderr)\nsys.exit(1)\n');
    const run = await runTorchPeer(failing, cases, 30_000, () => {});
    expect(run.results).toEqual([]);
    expect(run.problems[0]).toMatch(/exited with 1: ModuleNotFoundError/);
  });
});

describe('parseCases', () => {
  it('reads part:model:BxT and names a bad entry', () => {
    expect(parseCases('server:tiny:8x128', 3)).toEqual([{ part: 'server', model: 'tiny', batch: 8, seq: 128, cut: 3 }]);
    expect(() => parseCases('server:tiny', 3)).toThrow('case "server:tiny": expected part:model:BxT');
    expect(() => parseCases('client:gpt5:8x128', 3)).toThrow('case "client:gpt5:8x128": model must be one of');
  });
});
