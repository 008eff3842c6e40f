// A split-learning client for the single-process comparison: the volunteer's own LocalTrainer (client split,
// fp16 frames as on the wire) talking to a ServerSplit by function call instead of a socket.
import { adapterLayout, clientPart, countAdapterParams, countElements, type Example, expectedParamShapes, mixSeed } from '@splitlora/core';
import { LocalTrainer, type PendingStep } from '@splitlora/client';
import { BYTES_PER_ELEMENT, decodeFloatFrame, decodeIntFrame, encodeFloatFrame, type TensorFrame } from '@splitlora/protocol';
import type { ServerSplit, StepInput } from '@splitlora/server';
import { inProcessPlan } from '../../lib/manifest.js';
import type { Traffic } from '../traffic.js';
import { clientModel, type World } from '../setup.js';

export class SplitClient {
  readonly trainer: LocalTrainer;

  readonly id: string;

  constructor(private readonly world: World, private readonly index: number, examples: readonly Example[]) {
    this.id = `client-${index}`;
    const { manifest, plan } = inProcessPlan(world.settings.model, world.config, world.run);
    this.trainer = new LocalTrainer(clientModel(world), plan, manifest.training, examples, mixSeed(world.settings.seed, index));
  }

  /** Forward of local step `step` of `round` (its dropout masks depend on seed, round, client and step). */
  forward(round: number, step: number): Promise<PendingStep> {
    return this.trainer.forward(mixSeed(this.world.settings.seed, round, this.index), step);
  }

  stepInput(pending: PendingStep, globalStep: number): StepInput {
    return stepInputOf(this.id, pending, globalStep);
  }

  async backward(pending: PendingStep, gradient: Float32Array, globalStep: number): Promise<void> {
    const frame = encodeFloatFrame('gradient', [...pending.activations.shape], gradient, this.world.run.wireDtype);
    await this.trainer.backward(pending, frame, globalStep);
  }

  /** Bytes per activation or gradient element on the wire (the run's wire dtype). */
  get wireBytes(): number {
    return BYTES_PER_ELEMENT[this.world.run.wireDtype];
  }

  load(frames: readonly TensorFrame[]): void {
    this.trainer.loadGlobal(frames);
  }

  dispose(): void {
    this.trainer.dispose();
  }
}

/** What the server's decodeStep makes of a client's step frames. */
export function stepInputOf(clientId: string, pending: PendingStep, globalStep: number): StepInput {
  const [batch, seqLen] = pending.activations.shape as [number, number, number];
  const mask = Float32Array.from(decodeIntFrame(pending.lossMask));
  return {
    clientId, hidden: decodeFloatFrame(pending.activations), batch, seqLen, targets: decodeIntFrame(pending.targets), mask,
    tokens: pending.batch.tokens, globalStep,
  };
}

/** One client step through the server (activations up, gradient back, client update); returns trained tokens. */
export async function splitStep(client: SplitClient, server: ServerSplit, round: number, step: number, globalStep: number, traffic?: Traffic): Promise<number> {
  const pending = await client.forward(round, step);
  const [out] = await server.step([client.stepInput(pending, globalStep)]);
  traffic?.step(pending, out!.gradient.length * client.wireBytes);
  await client.backward(pending, out!.gradient, globalStep);
  return pending.batch.tokens;
}

export function splitParamCounts(world: World): { clientTrainable: number; clientBase: number; serverTrainable: number } {
  const { config, lora, settings } = world;
  return {
    clientTrainable: countAdapterParams(adapterLayout(config, lora, 0, settings.cut)),
    clientBase: Object.values(expectedParamShapes(config, clientPart(settings.cut))).reduce((s, shape) => s + countElements(shape), 0),
    serverTrainable: countAdapterParams(adapterLayout(config, lora, settings.cut, config.n_layer)),
  };
}
