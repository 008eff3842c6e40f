// Secure aggregation end to end in memory: the server's sum equals the plain sum (within the encoding's error) for 3
// and 10 volunteers, survives dropouts before and after masked input, refuses below t with a clear error, and holds
// no individual update at any point of the round; bad messages are refused without harming the round.
import { describe, expect, it } from 'vitest';
import { createRng, normalSamples } from '../../data/rng.js';
import { seededRandomBytes } from '../random/random-bytes.js';
import { runInMemoryRound, type DropPoint } from './in-memory-round.js';
import { quantize } from './quantize.js';
import { resolveSecAggConfig, type SecAggConfig } from './secagg-config.js';
import { SecAggClient } from './secagg-client.js';
import { SecAggServer } from './secagg-server.js';

const LENGTH = 5000;

function inputsFor(n: number): Record<string, Float32Array> {
  // clipped-update-like vectors inside [−range, range]
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`volunteer-${String(i).padStart(2, '0')}`, normalSamples(createRng(100 + i), LENGTH, 0.02).map((v) => Math.max(-0.1, Math.min(0.1, v)))]));
}

function configFor(n: number, threshold: number, context = 'run-1/round-1'): SecAggConfig {
  return { context, threshold, vectorLength: LENGTH, range: 0.1, maxClients: n };
}

const seeded = (id: string) => seededRandomBytes([...id].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7));

function plainSum(inputs: Record<string, Float32Array>, ids: string[]): Float64Array {
  const sum = new Float64Array(LENGTH);
  for (const id of ids) inputs[id]!.forEach((v, i) => (sum[i]! += v));
  return sum;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** Every typed array reachable from `root` (own fields, Maps, Sets, arrays), as the server holds them. */
function typedArraysIn(root: unknown, seen = new Set<unknown>(), out: ArrayBufferView[] = []): ArrayBufferView[] {
  if (root === null || typeof root !== 'object' || seen.has(root)) return out;
  seen.add(root);
  if (ArrayBuffer.isView(root)) out.push(root);
  else if (root instanceof Map) for (const [k, v] of root) { typedArraysIn(k, seen, out); typedArraysIn(v, seen, out); }
  else if (root instanceof Set || Array.isArray(root)) for (const v of root) typedArraysIn(v, seen, out);
  else for (const v of Object.values(root)) typedArraysIn(v, seen, out);
  return out;
}

function sameValues(a: ArrayBufferView, b: ArrayLike<number>): boolean {
  const view = a as unknown as ArrayLike<number>;
  if (view.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (view[i] !== b[i]) return false;
  return true;
}

/** Fraction of equal elements, and the χ² of the top 4 bits against uniform (16 bins). */
function maskStats(masked: Uint32Array, quantized: Uint32Array): { equal: number; chi2: number } {
  let equal = 0;
  const bins = new Array<number>(16).fill(0);
  masked.forEach((v, i) => {
    if (v === quantized[i]) equal++;
    bins[v >>> 28]!++;
  });
  const expected = masked.length / 16;
  return { equal: equal / masked.length, chi2: bins.reduce((s, k) => s + (k - expected) ** 2 / expected, 0) };
}

async function checkedRound(n: number, threshold: number, dropouts: Record<string, DropPoint> = {}) {
  const inputs = inputsFor(n);
  const config = configFor(n, threshold);
  const quantized = Object.values(inputs).map((v) => quantize(v, resolveSecAggConfig(config).quantization).values);
  const individual = [...Object.values(inputs), ...quantized];
  let inspections = 0;
  let maskedSeen = 0;
  const outcome = await runInMemoryRound({
    config, inputs, dropouts, randomFor: seeded,
    onServerEvent: (server) => {
      inspections++;
      for (const array of typedArraysIn(server)) {
        for (const plain of individual) expect(sameValues(array, plain), 'the server holds an individual input').toBe(false);
        if (array instanceof Uint32Array && array.length === LENGTH) {
          maskedSeen++;
          for (const q of quantized) {
            const { equal, chi2 } = maskStats(array, q);
            expect(equal).toBeLessThan(0.01); // differs from every plain quantized update in ≥ 99 % of elements
            expect(chi2).toBeLessThan(60); // uniform-looking: 15 degrees of freedom, p ≈ 1e-7
          }
        }
      }
    },
  });
  expect(inspections).toBeGreaterThan(3 * n);
  expect(maskedSeen).toBeGreaterThan(0);
  return { outcome, inputs, config };
}

describe('secure aggregation round (in memory)', () => {
  for (const n of [3, 10]) {
    it(`${n} volunteers: the server's sum equals the plain sum within the encoding error, and it never holds an input`, async () => {
      const { outcome, inputs } = await checkedRound(n, Math.floor(n / 2) + 1);
      expect(outcome.error).toBeNull();
      const result = outcome.result!;
      expect(result.survivors).toEqual(Object.keys(inputs).sort());
      expect(result.dropped).toEqual([]);
      const diff = maxAbsDiff(result.sum, plainSum(inputs, result.survivors));
      console.log(`secagg ${n} volunteers: max |sum − plain sum| = ${diff.toExponential(2)} (bound ${result.errorBound.toExponential(2)})`);
      expect(diff).toBeLessThanOrEqual(result.errorBound + 1e-12);
      expect(outcome.rejected).toEqual([]);
    });
  }

  it('one volunteer drops after sharing keys, before its masked input: its masks are rebuilt from the survivors\' shares', async () => {
    const { outcome, inputs } = await checkedRound(3, 2, { 'volunteer-01': 'before-masked-input' });
    expect(outcome.error).toBeNull();
    expect(outcome.result!.survivors).toEqual(['volunteer-00', 'volunteer-02']);
    expect(outcome.result!.dropped).toEqual(['volunteer-01']);
    expect(maxAbsDiff(outcome.result!.sum, plainSum(inputs, ['volunteer-00', 'volunteer-02']))).toBeLessThanOrEqual(outcome.result!.errorBound + 1e-12);
  });

  it('one volunteer drops after sending its masked input: its input counts and its self mask is rebuilt from shares', async () => {
    const { outcome, inputs } = await checkedRound(3, 2, { 'volunteer-02': 'after-masked-input' });
    expect(outcome.error).toBeNull();
    expect(outcome.result!.survivors).toEqual(Object.keys(inputs).sort());
    expect(maxAbsDiff(outcome.result!.sum, plainSum(inputs, Object.keys(inputs)))).toBeLessThanOrEqual(outcome.result!.errorBound + 1e-12);
  });

  it('10 volunteers with dropouts at every point still give the survivors\' sum', async () => {
    const dropouts: Record<string, DropPoint> = { 'volunteer-01': 'before-keys', 'volunteer-03': 'after-keys', 'volunteer-05': 'before-masked-input', 'volunteer-07': 'after-masked-input' };
    const { outcome, inputs } = await checkedRound(10, 6, dropouts);
    expect(outcome.error).toBeNull();
    const survivors = Object.keys(inputs).filter((id) => !['volunteer-01', 'volunteer-03', 'volunteer-05'].includes(id));
    expect(outcome.result!.survivors).toEqual(survivors);
    expect(outcome.result!.dropped).toEqual(['volunteer-05']);
    expect(maxAbsDiff(outcome.result!.sum, plainSum(inputs, survivors))).toBeLessThanOrEqual(outcome.result!.errorBound + 1e-12);
  });

  it('fewer than t survivors: the round refuses with a clear error', async () => {
    const outcome = await runInMemoryRound({
      config: configFor(3, 2), inputs: inputsFor(3), randomFor: seeded,
      dropouts: { 'volunteer-00': 'before-masked-input', 'volunteer-02': 'before-masked-input' },
    });
    expect(outcome.result).toBeNull();
    expect(outcome.error?.code).toBe('below-threshold');
    expect(outcome.error?.message).toMatch(/needs at least t = 2 volunteers in phase masked-input; only 0 answered \(dropped: volunteer-00, volunteer-02; not answered: volunteer-01\)/);
    expect(outcome.server.phase).toBe('failed');
  });

  it('is reproducible with seeded randomness and binds masks to the round context', async () => {
    const inputs = inputsFor(3);
    const masked: Uint32Array[][] = [];
    for (const context of ['run-1/round-1', 'run-1/round-1', 'run-1/round-2']) {
      const seen: Uint32Array[] = [];
      await runInMemoryRound({
        config: configFor(3, 2, context), inputs, randomFor: seeded,
        onServerEvent: (_server, event) => { if (event.type === 'masked-input') seen.push(event.masked); },
      });
      masked.push(seen);
    }
    expect(sameValues(masked[0]![0]!, masked[1]![0]!)).toBe(true);
    expect(maskStats(masked[0]![0]!, masked[2]![0]!).equal).toBeLessThan(0.01);
  });
});

describe('secure aggregation: bad messages are refused and lose nothing', () => {
  it('the server refuses strangers, repeats, wrong phases and wrong sizes, and the round still completes', async () => {
    const config = configFor(3, 2);
    const ids = ['a', 'b', 'c'];
    const server = new SecAggServer({ config, participants: ids });
    const clients = ids.map((id) => new SecAggClient({ id, config, random: seeded(id) }));
    const inputs = inputsFor(3);
    const refusals: string[] = [];
    const deliver = async (actions: Awaited<ReturnType<SecAggServer['handle']>>): Promise<void> => {
      for (const action of actions) {
        if (action.type === 'rejected') refusals.push(`${action.error.code}: ${action.error.message}`);
        if (action.type !== 'send') continue;
        const client = clients[ids.indexOf(action.to)]!;
        for (const reply of await client.handle(action.message)) if (reply.type === 'send') await deliver(await server.handle(reply.message));
      }
    };
    clients.forEach((c, i) => void c.handle({ type: 'input', vector: Object.values(inputs)[i]! }));
    const [advertA] = await clients[0]!.handle({ type: 'start' });
    const message = advertA!.type === 'send' ? advertA.message : null;
    await deliver(await server.handle({ type: 'advertise-keys', from: 'mallory', keys: { encryptionKey: new Uint8Array(32), maskingKey: new Uint8Array(32).fill(1) } }));
    await deliver(await server.handle({ type: 'masked-input', from: 'a', masked: new Uint32Array(LENGTH) }));
    await deliver(await server.handle({ type: 'advertise-keys', from: 'b', keys: { encryptionKey: new Uint8Array(31), maskingKey: new Uint8Array(32) } }));
    await deliver(await server.handle(message!));
    await deliver(await server.handle(message!));
    expect(refusals).toEqual([
      expect.stringMatching(/^unexpected: mallory is not awaited in phase advertise-keys/),
      expect.stringMatching(/^unexpected: "masked-input" from a arrived in phase advertise-keys, which takes "advertise-keys"/),
      expect.stringMatching(/^malformed: encryption key of b must be 32 bytes, found 31 bytes/),
      expect.stringMatching(/^unexpected: a already sent "advertise-keys"/),
    ]);
    for (const client of clients.slice(1)) for (const reply of await client.handle({ type: 'start' })) if (reply.type === 'send') await deliver(await server.handle(reply.message));
    expect(server.phase).toBe('done');
    expect(clients.map((c) => c.phase)).toEqual(['done', 'done', 'done']);
    expect((await server.handle(message!))[0]).toMatchObject({ type: 'rejected', error: { code: 'round-over' } });
  });

  it('a volunteer refuses a tampered share, an unmask request that calls it dropped, and a second unmask request', async () => {
    const config = configFor(3, 2);
    const ids = ['a', 'b', 'c'];
    const clients = ids.map((id) => new SecAggClient({ id, config, random: seeded(id) }));
    const keys = [];
    for (const c of clients) {
      await c.handle({ type: 'input', vector: new Float32Array(LENGTH) });
      const [a] = await c.handle({ type: 'start' });
      if (a?.type === 'send' && a.message.type === 'advertise-keys') keys.push({ id: a.message.from, ...a.message.keys });
    }
    const shares = new Map<string, { to: string; ciphertext: Uint8Array }[]>();
    for (const c of clients) {
      const [a] = await c.handle({ type: 'keys', keys });
      if (a?.type === 'send' && a.message.type === 'share-keys') shares.set(c.id, a.message.shares);
    }
    const relayFor = (to: string) => ids.filter((u) => u !== to).map((u) => ({ from: u, ciphertext: shares.get(u)!.find((s) => s.to === to)!.ciphertext }));
    const tampered = relayFor('a').map((s, i) => (i === 0 ? { ...s, ciphertext: s.ciphertext.map((b, j) => (j === 20 ? b ^ 1 : b)) } : s));
    expect((await clients[0]!.handle({ type: 'relayed-shares', shares: tampered }))[0]).toMatchObject({ type: 'failed', error: { code: 'inconsistent', message: expect.stringMatching(/share from b does not decrypt for a/) } });
    expect((await clients[0]!.handle({ type: 'unmask-request', survivors: ids, dropped: [] }))[0]).toMatchObject({ type: 'rejected', error: { code: 'round-over' } });
    const [masked] = await clients[1]!.handle({ type: 'relayed-shares', shares: relayFor('b') });
    expect(masked).toMatchObject({ type: 'send', message: { type: 'masked-input', from: 'b' } });
    expect((await clients[1]!.handle({ type: 'unmask-request', survivors: ['a', 'c'], dropped: ['b'] }))[0]).toMatchObject({ type: 'failed', error: { message: expect.stringMatching(/lists b as dropped, but it sent its masked input/) } });
    await clients[2]!.handle({ type: 'relayed-shares', shares: relayFor('c') });
    expect((await clients[2]!.handle({ type: 'unmask-request', survivors: ['a', 'c'], dropped: ['b'] })).map((a) => a.type)).toEqual(['send', 'done']);
    expect((await clients[2]!.handle({ type: 'unmask-request', survivors: ['a', 'b', 'c'], dropped: [] }))[0]).toMatchObject({ type: 'rejected', error: { code: 'round-over' } });
  });

  it('settings are checked: threshold a strict majority, ≤ 255 volunteers, a context', () => {
    expect(() => resolveSecAggConfig(configFor(10, 5))).toThrow(/threshold must be an integer in 6..10 .* found 5/);
    expect(() => resolveSecAggConfig(configFor(300, 200))).toThrow(/maxClients must be an integer in 2..255, found 300/);
    expect(() => resolveSecAggConfig({ ...configFor(3, 2), context: '' })).toThrow(/context must be a non-empty string/);
    expect(() => new SecAggServer({ config: configFor(3, 3), participants: ['a', 'b'] })).toThrow(/2 participants cannot reach t = 3/);
  });
});
