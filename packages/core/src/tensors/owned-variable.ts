// Makes a tf.Variable from a fresh tensor and releases that tensor: tf.variable() keeps its own reference to the
// data, so the initial tensor would otherwise stay alive (and counted) for ever.
import * as tf from '@tensorflow/tfjs-core';

export function ownedVariable(initial: tf.Tensor, trainable: boolean): tf.Variable {
  const variable = tf.variable(initial, trainable);
  initial.dispose();
  return variable;
}
