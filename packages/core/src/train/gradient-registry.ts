// Checks that tfjs gradients are registered: tfjs-core alone does not register them, the host's
// `import '@tensorflow/tfjs'` (or tfjs-core/dist/register_all_gradients) does.
import * as tf from '@tensorflow/tfjs-core';

let checked = false;

export function assertGradientsRegistered(): void {
  if (checked) return;
  for (const kernel of ['Reshape', 'BatchMatMul', 'Softmax', 'Tanh', 'Transpose']) {
    if (tf.getGradient(kernel) === undefined) {
      throw new Error(`tfjs gradient of ${kernel} is not registered: the host must import '@tensorflow/tfjs' ` +
        `(or '@tensorflow/tfjs-core/dist/register_all_gradients') before training`);
    }
  }
  checked = true;
}
