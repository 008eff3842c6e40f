// The client benchmark page: exposes window.clientBench so Playwright can activate a backend and time the
// client split's step (the same code as the Node side: ../client/client-step.ts).
import * as tf from '@tensorflow/tfjs';
import { type ClientStepCase, createClientStepper } from '../client/client-step.js';
import { matMulGflops } from '../lib/matmul-speed.js';
import { type TimeBoxOptions, timeSteps } from '../lib/timing.js';
import { activatePageBackend, type PageActivation, type PageBackend } from './page-backend.js';

export interface PageMeasurement {
  stepMs: number[];
  warmupMs: number[];
  tokensPerStep: number;
  numTensorsAfter: number;
}

export interface ClientBenchApi {
  activate(name: PageBackend): Promise<PageActivation>;
  matMulGflops(n: number): Promise<number>;
  measure(c: ClientStepCase, box: TimeBoxOptions): Promise<PageMeasurement>;
}

const api: ClientBenchApi = {
  activate: activatePageBackend,
  matMulGflops,
  async measure(c, box) {
    const stepper = createClientStepper(c);
    try {
      const { stepMs, warmupMs } = await timeSteps(box, (i) => stepper.step(i));
      return { stepMs, warmupMs, tokensPerStep: stepper.tokensPerStep, numTensorsAfter: tf.memory().numTensors };
    } finally {
      stepper.dispose();
    }
  },
};

(window as unknown as { clientBench: ClientBenchApi }).clientBench = api;
document.getElementById('status')!.textContent = 'ready';
