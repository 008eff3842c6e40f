// Picks the tfjs backend in Node: CUDA (tfjs-node-gpu), then native CPU (tfjs-node), then wasm, then pure JS,
// checking that the backend asked for is really the one active (setBackend can fail quietly).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export type NodeBackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendSelection {
  backend: string;
  /** Which package provided it and why others were skipped. */
  detail: string;
}

async function activate(name: string): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/** Why an import failed, in a few whole words: "not installed", or the error's first line cut at a word. */
export function importProblem(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return 'not installed';
  const line = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  if (line.length <= 120) return line;
  const cut = line.lastIndexOf(' ', 120);
  return `${line.slice(0, cut > 60 ? cut : 120)}…`;
}

async function tryNative(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Promise<string | null> {
  try {
    await import(pkg);
  } catch (error) {
    return `${pkg} unavailable (${importProblem(error)})`;
  }
  return (await activate('tensorflow')) ? null : `${pkg} loaded but its backend did not start`;
}

export async function selectNodeBackend(choice: NodeBackendChoice = 'auto'): Promise<BackendSelection> {
  tf.enableProdMode();
  const skipped: string[] = [];
  if (choice === 'auto' || choice === 'tensorflow') {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const) {
      const problem = await tryNative(pkg);
      if (problem === null) return { backend: 'tensorflow', detail: `${pkg} (${skipped.length ? `after: ${skipped.join('; ')}` : 'first choice'})` };
      skipped.push(problem);
    }
    if (choice === 'tensorflow') throw new Error(`backend "tensorflow" requested but unavailable: ${skipped.join('; ')}`);
  }
  if (choice === 'auto' || choice === 'wasm') {
    if (await activate('wasm')) return { backend: 'wasm', detail: skipped.length ? `wasm (skipped: ${skipped.join('; ')})` : 'wasm' };
    if (choice === 'wasm') throw new Error('backend "wasm" requested but it did not start');
    skipped.push('wasm did not start');
  }
  if (await activate('cpu')) return { backend: 'cpu', detail: skipped.length ? `cpu (skipped: ${skipped.join('; ')})` : 'cpu' };
  throw new Error(`no tfjs backend could be started (${skipped.join('; ')})`);
}
