// The client step in Node on the active tfjs backend (the fleet's and tests' path).
import { type TimeBoxOptions, timeSteps } from '../lib/timing.js';
import { type ClientStepCase, createClientStepper } from './client-step.js';

export async function measureNodeClientStep(c: ClientStepCase, box: TimeBoxOptions): Promise<{ stepMs: number[]; warmupMs: number[]; tokensPerStep: number }> {
  const stepper = createClientStepper(c);
  try {
    const { stepMs, warmupMs } = await timeSteps(box, (i) => stepper.step(i));
    return { stepMs, warmupMs, tokensPerStep: stepper.tokensPerStep };
  } finally {
    stepper.dispose();
  }
}
