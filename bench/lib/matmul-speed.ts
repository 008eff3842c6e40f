// matMul speed of the active tfjs backend (GFLOP/s), to put step timings in context; platform-free.
import * as tf from '@tensorflow/tfjs-core';

/** GFLOP/s of an n×n×n float32 matMul (median of a few runs, after one warm-up). */
export async function matMulGflops(n = 512, runs = 3): Promise<number> {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
    if (i > 0) times.push(performance.now() - t0);
  }
  tf.dispose([a, b]);
  times.sort((x, y) => x - y);
  return (2 * n ** 3) / (times[Math.floor(times.length / 2)]! / 1000) / 1e9;
}
