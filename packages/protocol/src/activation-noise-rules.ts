// Which training methods activation noise applies to, and what a volunteer is told about it: the noise is added in
// the tab to the cut activations, so it needs a method that sends them through the split trainer.
import type { ActivationNoiseSettings } from './privacy-config.js';
import type { LayoutName } from './run-config.js';
import type { TrainingMethod } from './training-method.js';

/** Methods whose tabs send cut activations through the LoRA split trainer, which noises them. */
export function takesActivationNoise(method: TrainingMethod): boolean {
  return method === 'splitlora' || method === 'sl';
}

/** Why a run of `method` cannot take activation noise, or null when it can (or asks for none). */
export function activationNoiseIssue(method: TrainingMethod, requested: boolean): string | null {
  if (!requested || takesActivationNoise(method)) return null;
  if (method === 'cybgd-split') return 'activation noise is not available with method cybgd-split (its block trainer sends the activations unnoised); use splitlora or sl, or turn activation noise off';
  return `activation noise needs a method that sends activations (splitlora or sl); ${method} trains the whole model in the tab and sends none`;
}

/** One sentence for the consent screen: what the noise protects, and what it does not in this layout. */
export function activationNoiseSummary(noise: ActivationNoiseSettings, layout: LayoutName): string {
  const what = `Each training window's activations are clipped to norm ${noise.clipNorm} and get Gaussian noise of std ${noise.noiseMultiplier}×${noise.clipNorm} per number in this tab before they are sent.`;
  return layout === 'u-shaped'
    ? `${what} The labels stay in this tab, but the gradients of the server's output you send back are not noised and still reveal them.`
    : `${what} The noise covers the activations only: in this standard layout the next-token labels — your text, shifted by one token — travel in the clear beside them.`;
}
