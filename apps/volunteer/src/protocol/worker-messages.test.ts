// Unit tests of the page⇄worker contract: good messages pass through typed, bad ones fail with a clear message.
import { describe, expect, it } from 'vitest';
import { MessageShapeError, readMainToWorker, readWorkerToMain } from './worker-messages.js';

describe('readMainToWorker', () => {
  it('accepts every page→worker message', () => {
    const blob = new Blob(['mr,ref\n']);
    expect(readMainToWorker({ type: 'init', serverUrl: 'http://localhost:8099', maxSeqLen: 48 })).toEqual({ type: 'init', serverUrl: 'http://localhost:8099', maxSeqLen: 48 });
    expect(readMainToWorker({ type: 'add-files', files: [{ id: 'file-1', name: 'a.csv', blob }] })).toEqual({ type: 'add-files', files: [{ id: 'file-1', name: 'a.csv', blob }] });
    expect(readMainToWorker({ type: 'remove-file', id: 'file-1' })).toEqual({ type: 'remove-file', id: 'file-1' });
    expect(readMainToWorker({ type: 'start' })).toEqual({ type: 'start' });
    expect(readMainToWorker({ type: 'start', name: 'Ada' })).toEqual({ type: 'start', name: 'Ada' });
    for (const type of ['pause', 'resume', 'leave'] as const) expect(readMainToWorker({ type })).toEqual({ type });
  });

  it('refuses unknown types, missing fields and stray keys, saying what was expected and found', () => {
    expect(() => readMainToWorker('start')).toThrow('page→worker message: expected an object, found "start"');
    expect(() => readMainToWorker({ type: 'explode' })).toThrow('page→worker message.type: expected one of init, add-files, remove-file, start, pause, resume, leave, found "explode"');
    expect(() => readMainToWorker({ type: 'init', serverUrl: 'ftp://x', maxSeqLen: 48 })).toThrow('.serverUrl: expected an http(s) URL, found "ftp://x"');
    expect(() => readMainToWorker({ type: 'init', serverUrl: 'http://x', maxSeqLen: 0 })).toThrow('page→worker message "init".maxSeqLen: expected a number ≥ 1, found 0');
    expect(() => readMainToWorker({ type: 'add-files', files: [{ id: 'f', name: 'a.csv', blob: 'bytes' }] })).toThrow('page→worker message "add-files".files[0].blob: expected a File or Blob, found "bytes"');
    expect(() => readMainToWorker({ type: 'pause', now: true })).toThrow(MessageShapeError);
    expect(() => readMainToWorker({ type: 'start', name: 'x'.repeat(41) })).toThrow('expected a string of 0..40 characters');
  });
});

describe('readWorkerToMain', () => {
  it('accepts backend, file reports, volunteer events, outcomes and fatal errors', () => {
    expect(readWorkerToMain({ type: 'backend', backend: 'webgpu', label: 'WebGPU (SwiftShader adapter)', detail: 'first choice' }).type).toBe('backend');
    expect(readWorkerToMain({ type: 'no-backend', message: 'nothing started' }).type).toBe('no-backend');
    expect(readWorkerToMain({ type: 'tokenizer' })).toEqual({ type: 'tokenizer' });
    expect(readWorkerToMain({ type: 'tokenizer', error: 'GET /api/tokenizer answered 503' })).toEqual({ type: 'tokenizer', error: 'GET /api/tokenizer answered 503' });
    const file = { id: 'file-1', name: 'a.csv', bytes: 10, format: 'csv', examples: 3, tokens: 40, preview: ['mr,ref'] };
    expect(readWorkerToMain({ type: 'file-parsed', file })).toEqual({ type: 'file-parsed', file });
    const refused = { ...file, format: null, examples: 0, tokens: 0, error: 'a.csv is empty (0 bytes)' };
    expect(readWorkerToMain({ type: 'file-parsed', file: refused })).toEqual({ type: 'file-parsed', file: refused });
    const step = { type: 'step', round: 1, step: 0, localSteps: 3, loss: 10.8, tokens: 96, tokensPerSecond: 31.5, seconds: 3.05 };
    expect(readWorkerToMain({ type: 'volunteer-event', event: step })).toEqual({ type: 'volunteer-event', event: step });
    const run = { runId: 'r1', name: 'tiny', state: 'training', round: 1, rounds: 2, model: 'tiny', sfl: 'v1' };
    expect(readWorkerToMain({ type: 'volunteer-event', event: { type: 'run', run } })).toEqual({ type: 'volunteer-event', event: { type: 'run', run } });
    expect(readWorkerToMain({ type: 'volunteer-event', event: { type: 'run', run: null } }).type).toBe('volunteer-event');
    const roundEnd = { type: 'round-end', round: 1, rounds: 2, trainLoss: 10.2, evalLoss: null, more: true };
    expect(readWorkerToMain({ type: 'volunteer-event', event: roundEnd })).toEqual({ type: 'volunteer-event', event: roundEnd });
    expect(readWorkerToMain({ type: 'outcome', outcome: 'finished' })).toEqual({ type: 'outcome', outcome: 'finished' });
    expect(readWorkerToMain({ type: 'fatal', message: 'boom' })).toEqual({ type: 'fatal', message: 'boom' });
  });

  it('checks every kind of volunteer event', () => {
    const events = [
      { type: 'status', status: 'reconnecting', message: 'reconnecting (attempt 2)…' },
      { type: 'download', asset: 'weights', receivedBytes: 5, totalBytes: 10, fromCache: false },
      { type: 'dataset', examples: 200, tokens: 5000 },
      { type: 'round-start', round: 1, rounds: 2, localSteps: 3, firstStep: 0 },
      { type: 'turn', round: 1, ahead: 2, turnsDone: 0, turns: 3 },
      { type: 'activation-privacy', round: 1, releasesPerExample: 2, epsilon: 10.7, delta: 1e-5 },
      { type: 'traffic', bytesUp: 1, bytesDown: 2 },
      { type: 'swarm', volunteersOnline: 3, participants: 1 },
      { type: 'error', message: 'STALE: old step', fatal: false },
    ];
    for (const event of events) expect(readWorkerToMain({ type: 'volunteer-event', event })).toEqual({ type: 'volunteer-event', event });
  });

  it('refuses malformed messages with the path of the bad field', () => {
    expect(() => readWorkerToMain({ type: 'backend', backend: 'gpu', label: 'x', detail: '' })).toThrow('worker→page message "backend".backend: expected one of webgpu, webgl, wasm, cpu, tensorflow, node, found "gpu"');
    expect(() => readWorkerToMain({ type: 'file-parsed', file: { id: 'f', name: 'a', bytes: -1, format: null, examples: 0, tokens: 0, preview: [] } })).toThrow('"file-parsed".file.bytes: expected a number ≥ 0, found -1');
    expect(() => readWorkerToMain({ type: 'file-parsed', file: { id: 'f', name: 'a', bytes: 1, format: null, examples: 0, tokens: 0, preview: [3] } })).toThrow('.file.preview[0]: expected a string, found 3');
    expect(() => readWorkerToMain({ type: 'volunteer-event', event: { type: 'status', status: 'sleeping', message: '' } })).toThrow('expected one of connecting, no-run');
    expect(() => readWorkerToMain({ type: 'volunteer-event', event: { type: 'step', round: 1, step: 0, localSteps: 3, loss: Number.NaN, tokens: 1, tokensPerSecond: 1, seconds: 1 } })).toThrow('.loss: expected a finite number, found NaN');
    expect(() => readWorkerToMain({ type: 'volunteer-event', event: { type: 'run', run: { runId: 'r', state: 'training' } } })).toThrow('.run.name: expected a string, found undefined');
    expect(() => readWorkerToMain({ type: 'outcome', outcome: 'maybe' })).toThrow('"outcome".outcome: expected one of finished, left, error, found "maybe"');
    expect(() => readWorkerToMain({ type: 'fatal', message: '' })).toThrow('expected a string of 1..');
    expect(() => readWorkerToMain(null)).toThrow('worker→page message: expected an object, found null');
  });
});
