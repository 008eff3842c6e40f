// A run with activation noise and two real volunteers: it completes, and every activation block the server receives
// is a clipped-and-noised one — each example's norm is about √(C² + σ²C²d) and at most C + the noise's reach, where
// the clean activations of this model have norms of about 1.7 (measured 2026-11-30), far above C + reach.
import { activationPrivacy } from '@splitlora/core';
import { decodeFloatFrame, type RoundRecord, type TensorFrame } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { createAndStart, startVolunteers, testRunConfig, useServerWithAdmin } from '../support/harness.js';

const SIGMA = 0.01;
const CLIP = 0.5;

describe('a run with activation noise', () => {
  const ctx = useServerWithAdmin();

  it('completes, and the server receives only clipped and noised activations', async () => {
    const server = ctx.server();
    const received: TensorFrame[] = [];
    server.io.on('connection', (socket) => socket.onAny((event: string, payload: { activations?: TensorFrame }) => {
      if (event === 'train:activations' && payload.activations) received.push(payload.activations);
    }));
    const volunteers = await startVolunteers(server.url, 2, 'noise');
    const run = await createAndStart(ctx.admin(), testRunConfig({
      rounds: 1, localSteps: 2, minClients: 2, maxClients: 2, evalData: null, activationNoise: { noiseMultiplier: SIGMA, clipNorm: CLIP },
    }));
    expect(run.config.activationNoise).toEqual({ noiseMultiplier: SIGMA, clipNorm: CLIP, delta: 1e-5 });
    // The figures the dashboard and the consent screen show: one release, and one per round over the run's rounds.
    expect(run.activationNoise).toEqual({
      noiseMultiplier: SIGMA, clipNorm: CLIP, delta: 1e-5, epsilonOneRelease: activationPrivacy(SIGMA, 1, 1e-5).epsilon, plannedReleases: 1,
      epsilonPlanned: activationPrivacy(SIGMA, 1, 1e-5).epsilon,
    });
    const overview = await (await fetch(new URL('/api/run', server.url))).json() as { training: { privacy: { activationNoise: unknown } } };
    expect(overview.training.privacy.activationNoise).toEqual(run.activationNoise);
    expect(await Promise.all(volunteers.map((v) => v.done))).toEqual(['finished', 'finished']);
    // Each tab reports its own count after the round: 2 steps × 4 windows of a shard of hundreds, so each sent once.
    for (const v of volunteers) {
      expect(v.events.filter((e) => e.type === 'activation-privacy')).toEqual([{ type: 'activation-privacy', round: 1, releasesPerExample: 1, epsilon: activationPrivacy(SIGMA, 1, 1e-5).epsilon, delta: 1e-5 }]);
    }
    const rounds = server.host.current!.metricHistory().filter((m): m is RoundRecord => m.kind === 'round' && m.round === 1);
    expect(rounds).toHaveLength(1);
    expect(Number.isFinite(rounds[0]!.trainLoss)).toBe(true);

    expect(received).toHaveLength(2 * 2);
    const norms: number[] = [];
    let worst = 0;
    for (const frame of received) {
      const [batch, seqLen, embd] = frame.shape as [number, number, number];
      const values = decodeFloatFrame(frame);
      const width = seqLen * embd;
      // ‖clipped + N(0, (σC)² I_d)‖ ≤ C + ‖noise‖, and ‖noise‖ ≈ σC√d (10 % slack, plus fp16 rounding).
      const reach = 1.1 * SIGMA * CLIP * Math.sqrt(width) + 1e-2;
      for (let b = 0; b < batch; b++) {
        const norm = Math.hypot(...values.subarray(b * width, (b + 1) * width));
        norms.push(norm);
        const expected = Math.sqrt(CLIP ** 2 + (SIGMA * CLIP) ** 2 * width); // the clip is active: ‖clipped‖ = C
        worst = Math.max(worst, Math.abs(norm / expected - 1));
        expect(norm).toBeLessThanOrEqual(CLIP + reach);
        expect(Math.abs(norm / expected - 1)).toBeLessThan(0.1);
      }
    }
    console.log(`activation noise run: ${norms.length} examples received, norms ${Math.min(...norms).toFixed(3)}..${Math.max(...norms).toFixed(3)} (C = ${CLIP}, σ = ${SIGMA}; worst relative distance from √(C² + σ²C²d) ${worst.toFixed(3)})`);
  }, 300_000);
});
