// The one routine that activates a tfjs backend, used by the server, the volunteer worker, the benchmarks and the
// tests: setBackend can resolve while another backend stays active, and a backend can start and compute garbage,
// so each activation is checked with getBackend() and a product whose answer is known.
import * as tf from '@tensorflow/tfjs-core';

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 160);
}

/** A 2×2 product whose answer is known: catches a backend that starts but computes garbage. */
async function smokeTest(): Promise<string | null> {
  const product = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]])));
  try {
    const values = await product.data();
    const expected = [19, 22, 43, 50];
    return expected.every((v, i) => Math.abs(values[i]! - v) < 1e-3) ? null : `a test product gave [${[...values].join(', ')}], expected [${expected.join(', ')}]`;
  } finally {
    product.dispose();
  }
}

/** Makes `name` the active tfjs backend: null when it is active and computes correctly, else why not. */
export async function activateBackend(name: string): Promise<string | null> {
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (!ok) return 'it did not start';
    if (tf.getBackend() !== name) return `${tf.getBackend()} stayed active instead`;
    return await smokeTest();
  } catch (error) {
    return `it failed to start (${messageOf(error)})`;
  }
}

/** One entry of a preference list. */
export interface BackendCandidate {
  /** The tfjs backend name. */
  name: string;
  /** Words for messages: "WebGPU", "TensorFlow (CUDA)". */
  label: string;
  /** Runs first (load a package, find an adapter): a problem skips the candidate. */
  prepare?: () => Promise<string | null>;
  /** Runs once the backend is active (e.g. "does it use the GPU?"): a problem skips the candidate. */
  verify?: () => Promise<string | null>;
}

export interface BackendChoice {
  /** The candidate that is now active. */
  candidate: BackendCandidate;
  /** Why better candidates were not used, best first: "WebGPU unavailable: no adapter". */
  skipped: string[];
}

/** Activates the first candidate that prepares, starts, computes correctly and verifies; throws listing every reason. */
export async function selectFirstBackend(candidates: readonly BackendCandidate[]): Promise<BackendChoice> {
  const skipped: string[] = [];
  for (const candidate of candidates) {
    const problem = (await candidate.prepare?.().catch((error: unknown) => messageOf(error))) ?? null;
    const reason = problem ?? (await activateBackend(candidate.name)) ?? (await candidate.verify?.()) ?? null;
    if (reason === null) return { candidate, skipped };
    skipped.push(`${candidate.label} unavailable: ${reason}`);
  }
  throw new Error(`no tfjs backend could start: ${skipped.join('; ')}`);
}
