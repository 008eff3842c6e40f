// FedCyBGD on the real server with three Node volunteers, two rounds (small batches: each tab computes the whole model): the whole-model variant (each tab trains one
// block with full parameters locally, uploads only that block, gets the blocks it lacks as deltas) and the split
// variant (the cycle over the client's blocks [0, cut), the server keeping its LoRA). The eval loss drops, each upload
// is one block's bytes, the block versions advance as the schedule says, and the round's Hugging Face checkpoint
// loads with the project's loader and reproduces the server's eval loss (the split variant with its server adapter).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  blockParamShapes, collate, countElements, disposeNamed, examplesFromFile, fullLoss, gpt2Config, importPeftAdapter, loadHfGpt2, namedToTensors,
  withTransposedHead,
} from '@splitlora/core';
import { dirSource, loadTokenizer } from '@splitlora/node';
import { type FrameBundle, type RoundRecord, type RoundStart, type TensorFrame, unpackFrames } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { adminRequest, createAndStart, DATA_DIR, e2eShards, startVolunteer, testRunConfig, useServerWithAdmin } from '../support/harness.js';

const BLOCK_BYTES_FP16 = Object.values(blockParamShapes(gpt2Config('tiny'), 0)).reduce((s, shape) => s + countElements(shape), 0) * 2;

for (const method of ['cybgd', 'cybgd-split'] as const) {
  describe(`${method} with three volunteers`, () => {
    const ctx = useServerWithAdmin();

    it('finishes two rounds: the eval loss drops, uploads are one block each, versions advance per block', async () => {
      const server = ctx.server();
      const admin = ctx.admin();
      const shards = await e2eShards(3);
      const uploads: { name: string; round: number; frames: TensorFrame[]; versions: number[] | undefined }[] = [];
      const starts: { name: string; msg: RoundStart }[] = [];
      const volunteers = shards.map((shard, i) => {
        const name = `node-${i}`;
        const v = startVolunteer(server.url, shard, name);
        v.socket.onAnyOutgoing((event: string, payload: { stamp: { round: number }; adapter: FrameBundle; blockVersions?: number[] }) => {
          if (event === 'round:update') uploads.push({ name, round: payload.stamp.round, frames: unpackFrames(payload.adapter), versions: payload.blockVersions });
        });
        v.socket.onAny((event: string, msg: RoundStart) => {
          if (event === 'round:start') starts.push({ name, msg });
        });
        return v;
      });
      const run = await createAndStart(admin, testRunConfig({ method, lr: 2e-3, batchSize: 2, evalSamples: 16 }));
      expect(run.modelSummary?.clientTrainable).toBe(BLOCK_BYTES_FP16 / 2);
      const outcomes = await Promise.all(volunteers.map((v) => v.done));
      expect(outcomes, JSON.stringify(volunteers.flatMap((v) => v.events.filter((e) => e.type === 'error')))).toEqual(['finished', 'finished', 'finished']);

      const metrics = await adminRequest(admin, 'metrics:history', { runId: run.runId });
      const rounds = metrics.filter((m): m is RoundRecord => m.kind === 'round').sort((a, b) => a.round - b.round);
      expect(rounds.map((r) => r.round)).toEqual([0, 1, 2]);
      console.log(`${method}: eval loss ${rounds.map((r) => r.evalLoss!.toFixed(4)).join(' → ')}, bytes up per round ${rounds.slice(1).map((r) => r.bytesUp).join(', ')}`);
      expect(rounds[2]!.evalLoss!).toBeLessThan(rounds[0]!.evalLoss!);
      expect(metrics.filter((m) => m.kind === 'step')).toHaveLength(3 * 3 * 2);

      // Each upload is exactly one block, packed into one fp16 frame: one block's bytes.
      expect(uploads).toHaveLength(6);
      for (const u of uploads) {
        expect(u.frames).toHaveLength(1);
        expect(u.frames[0]!.name).toMatch(/^transformer\.h\.\d+$/);
        expect(u.frames[0]!.dtype).toBe('float16');
        expect(u.frames[0]!.data.byteLength).toBe(BLOCK_BYTES_FP16);
      }

      // rotate: round 1 trains blocks 0, 1, 2 (one per volunteer), round 2 blocks 1, 2, 3 mod K.
      const K = method === 'cybgd' ? 6 : 3;
      const round1 = starts.filter((s) => s.msg.round === 1).map((s) => s.msg.blockTask!.block).sort();
      const round2 = starts.filter((s) => s.msg.round === 2);
      expect(round1).toEqual([0, 1, 2]);
      expect(round2.map((s) => s.msg.blockTask!.block).sort()).toEqual([1, 2, 3].map((b) => b % K).sort());
      const afterRound1 = method === 'cybgd' ? [1, 1, 1, 0, 0, 0] : [1, 1, 1];
      for (const { msg } of round2) {
        expect(msg.blockTask!.versions).toEqual(afterRound1); // every trained block is at version 1 and the tab is brought up to date
        // Only lacking blocks travel, as fp16 deltas against version 0 (what the tab held after restoring its block).
        expect(msg.blockTask!.downloads.map((d) => [d.block, d.version, d.base])).toEqual([0, 1, 2].map((b) => [b, 1, 0]));
        expect(msg.blockTask!.deltas?.dtype).toBe('float16');
        expect(msg.blockTask!.deltas?.data.byteLength).toBe(3 * BLOCK_BYTES_FP16);
        expect(msg.blockTask!.wholes).toBeNull();
      }
      expect(uploads.filter((u) => u.round === 2).every((u) => u.versions?.join() === afterRound1.join())).toBe(true);
      // The run's snapshot shows the server's versions: round 2 advanced blocks 1, 2, 3 mod K once more.
      const snapshot = await adminRequest(admin, 'admin:snapshot', {});
      expect(snapshot.run!.blockVersions).toEqual(method === 'cybgd' ? [1, 2, 2, 1, 0, 0] : [2, 2, 2]);

      // The round's Hugging Face checkpoint loads with the project's loader and gives the server's eval loss.
      const checkpoint = await loadHfGpt2(dirSource(join(server.host.current!.runDir, 'rounds', '0002', 'model')));
      const tokenizer = await loadTokenizer(join(DATA_DIR, 'gpt2-tokenizer'));
      const examples = examplesFromFile(tokenizer, 'testset_w_refs.csv', readFileSync(join(DATA_DIR, 'e2e', 'testset_w_refs.csv'), 'utf8'), { maxSeqLen: 48 }).slice(0, 16);
      const model = { config: checkpoint.config, params: withTransposedHead(namedToTensors(checkpoint.params)) };
      // The split variant's server keeps LoRA on its blocks: its adapter is saved beside the checkpoint.
      const serverAdapter = method === 'cybgd' ? null : await importPeftAdapter(checkpoint.config, dirSource(join(server.host.current!.runDir, 'rounds', '0002', 'server-adapter')));
      const adapter = serverAdapter === null ? null : { config: serverAdapter.config, tensors: namedToTensors(serverAdapter.tensors) };
      let lossSum = 0;
      let tokens = 0;
      for (let i = 0; i < examples.length; i += 2) {
        const batch = collate(examples.slice(i, i + 2), { batchSize: 2, maxSeqLen: 48, padMultiple: 8, padTokenId: checkpoint.config.eos_token_id });
        const loss = tf.tidy(() => fullLoss(model, adapter, tf.tensor2d(batch.inputIds, [batch.batchSize, batch.seqLen], 'int32'), tf.tensor1d(batch.targets, 'int32'), tf.tensor1d(batch.lossMask), batch.tokens));
        lossSum += loss.dataSync()[0]! * batch.tokens;
        tokens += batch.tokens;
        loss.dispose();
      }
      disposeNamed(model.params);
      if (adapter !== null) disposeNamed(adapter.tensors);
      const exported = lossSum / tokens;
      console.log(`${method}: exported checkpoint eval loss ${exported.toFixed(6)} vs the server's ${rounds[2]!.evalLoss!.toFixed(6)}`);
      expect(Math.abs(exported - rounds[2]!.evalLoss!)).toBeLessThan(1e-5);
    }, 400_000);
  });
}
