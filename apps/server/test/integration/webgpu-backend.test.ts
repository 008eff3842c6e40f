// The server on `--backend webgpu`: Dawn over whatever Vulkan adapter this machine has (in CI Chromium's SwiftShader,
// a software fallback, which only a request by name may use). /healthz names the adapter and whether it is a
// fallback, the dashboard's snapshot says the same, and two volunteers (in this process: on webgpu too) complete a
// round of the tiny model.
import type { RoundRecord } from '@splitlora/protocol';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { adminRequest, createAndStart, e2eShards, startVolunteer, testRunConfig, useServerWithAdmin } from '../support/harness.js';

describe('server on the webgpu backend', () => {
  const ctx = useServerWithAdmin({ backend: 'webgpu' });

  it('names its adapter in /healthz and in the admin snapshot', async () => {
    const server = ctx.server();
    expect(server.backend).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    const health = await (await fetch(`${server.url}/healthz`)).json() as { backend: string; device: { kind: string; name: string; fallback: boolean; adapter: Record<string, unknown> } };
    console.log(`healthz device: ${JSON.stringify(health.device)}`);
    expect(health.backend).toBe('webgpu');
    expect(health.device.kind).toBe('gpu');
    expect(health.device.adapter['vendor']).toEqual(expect.any(String));
    expect(health.device.name).toContain(String(health.device.adapter['vendor']));
    // The adapter says whether it is a fallback; the name says it in words.
    expect(health.device.fallback).toBe(health.device.adapter['isFallbackAdapter'] === true || /swiftshader/i.test(JSON.stringify(health.device.adapter)));
    expect(health.device.name).toContain(health.device.fallback ? 'software fallback adapter' : 'hardware adapter');
    const snapshot = await adminRequest(ctx.admin(), 'admin:snapshot', {});
    expect(snapshot.server.backend).toBe('webgpu');
    expect(snapshot.server.device).toEqual({ kind: 'gpu', name: health.device.name, fallback: health.device.fallback });
  });

  it('trains a round of the tiny model with two volunteers', async () => {
    const server = ctx.server();
    // The smallest round: a software adapter runs the 50,257-wide head of the tiny model at well under 1 GFLOP/s, so
    // each volunteer trains one step on the last 8 tokens of its examples (the counted reference text), no evaluation.
    const shards = (await e2eShards(2)).map((shard) => shard.map((e) => ({ tokens: e.tokens.slice(-8), lossMask: e.lossMask.slice(-8) })));
    const volunteers = shards.map((shard, i) => startVolunteer(server.url, shard, `gpu-${i}`));
    const run = await createAndStart(ctx.admin(), testRunConfig({
      rounds: 1, minClients: 2, maxClients: 2, localSteps: 1, batchSize: 1, maxSeqLen: 8, evalData: null,
    }));
    const outcomes = await Promise.all(volunteers.map((v) => v.done));
    for (const v of volunteers) for (const e of v.events) if (e.type === 'error') console.log(`volunteer error: ${JSON.stringify(e)}`);
    expect(outcomes).toEqual(['finished', 'finished']);
    const metrics = await adminRequest(ctx.admin(), 'metrics:history', { runId: run.runId });
    const round1 = metrics.find((m): m is RoundRecord => m.kind === 'round' && m.round === 1)!;
    console.log(`webgpu round 1: train loss ${round1.trainLoss?.toFixed(4)} from ${round1.tokens} tokens`);
    expect(round1.clients).toBe(2);
    expect(round1.tokens).toBeGreaterThan(0);
    expect(round1.trainLoss).toBeGreaterThan(Math.log(50257) - 2); // about ln(vocabulary) for an untrained model
    expect(round1.trainLoss).toBeLessThan(Math.log(50257) + 2);
  }, 600_000);
});
