// Checks a training step's frames against the run (dtype, shape, size, values) and decodes them for the server split.
import {
  type ActivationsRequest, decodeFloatFrame, decodeIntFrame, type ErrorCode, type FrameBundle, FrameError, ProtocolError, type RunConfig,
  type TensorFrame, unpackFrames,
} from '@splitlora/protocol';

export interface DecodedStep {
  hidden: Float32Array;
  batch: number;
  seqLen: number;
  targets: Int32Array;
  mask: Float32Array;
  tokens: number;
}

const FRAME_ERROR_CODES: Record<FrameError['reason'], ErrorCode> = { 'non-finite': 'NON_FINITE', range: 'OUT_OF_RANGE', dtype: 'DTYPE', size: 'SHAPE_MISMATCH' };

function asProtocolError(error: unknown): never {
  if (error instanceof FrameError) throw new ProtocolError(FRAME_ERROR_CODES[error.reason], error.message);
  throw error;
}

function decodeFloat(frame: TensorFrame): Float32Array {
  try {
    return decodeFloatFrame(frame);
  } catch (error) {
    return asProtocolError(error);
  }
}

function decodeInt(frame: TensorFrame): Int32Array {
  try {
    return decodeIntFrame(frame);
  } catch (error) {
    return asProtocolError(error);
  }
}

/** Cut activations (B, T, E) in the run's wire dtype, within its batch and sequence bounds, all finite. */
export function decodeActivations(activations: TensorFrame, run: RunConfig, embd: number): { hidden: Float32Array; batch: number; seqLen: number } {
  if (activations.dtype !== run.wireDtype) {
    throw new ProtocolError('DTYPE', `activations must be ${run.wireDtype} in this run, found ${activations.dtype}`);
  }
  const wireBytes = run.wireDtype === 'float16' ? 2 : 4;
  const limit = run.batchSize * run.maxSeqLen * embd;
  const count = activations.shape.reduce((a, b) => a * b, 1);
  if (count > limit || activations.data.byteLength > limit * wireBytes) {
    throw new ProtocolError('TOO_LARGE', `activations hold ${count} values (${activations.data.byteLength} bytes); this run accepts at most ${limit} (batch ${run.batchSize} × ${run.maxSeqLen} × ${embd})`);
  }
  const [B, T, E] = activations.shape as [number, number, number];
  if (activations.shape.length !== 3 || E !== embd || !(B >= 1 && B <= run.batchSize) || !(T >= 1 && T <= run.maxSeqLen)) {
    throw new ProtocolError('SHAPE_MISMATCH', `activations must have shape [1..${run.batchSize}, 1..${run.maxSeqLen}, ${embd}], found [${activations.shape.join(', ')}]`);
  }
  return { hidden: decodeFloat(activations), batch: B, seqLen: T };
}

/** A gradient frame answering activations of `shape`: the run's wire dtype, exactly that shape, all finite. */
export function decodeGradient(gradient: TensorFrame, run: RunConfig, shape: readonly number[]): Float32Array {
  if (gradient.dtype !== run.wireDtype) throw new ProtocolError('DTYPE', `the gradient must be ${run.wireDtype} in this run, found ${gradient.dtype}`);
  if (gradient.shape.join() !== shape.join()) {
    throw new ProtocolError('SHAPE_MISMATCH', `the gradient must have the shape of the step's activations [${shape.join(', ')}], found [${gradient.shape.join(', ')}]`);
  }
  return decodeFloat(gradient);
}

export function decodeStep(req: ActivationsRequest, run: RunConfig, embd: number, vocab: number): DecodedStep {
  const { activations, targets, lossMask } = req;
  const { hidden, batch: B, seqLen: T } = decodeActivations(activations, run, embd);
  for (const [frame, dtypes] of [[targets, ['uint16', 'int32']], [lossMask, ['uint8']]] as const) {
    if (frame.shape.length !== 1 || frame.shape[0] !== B * T) {
      throw new ProtocolError('SHAPE_MISMATCH', `${frame.name} must have shape [${B * T}], found [${frame.shape.join(', ')}]`);
    }
    if (!(dtypes as readonly string[]).includes(frame.dtype)) {
      throw new ProtocolError('DTYPE', `${frame.name} must be ${dtypes.join(' or ')}, found ${frame.dtype}`);
    }
  }
  const ids = decodeInt(targets);
  const maskInts = decodeInt(lossMask);
  const mask = new Float32Array(maskInts.length);
  let tokens = 0;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i]! < 0 || ids[i]! >= vocab) throw new ProtocolError('BAD_REQUEST', `target ${ids[i]} at ${i} is outside the vocabulary 0..${vocab - 1}`);
    const m = maskInts[i]!;
    if (m !== 0 && m !== 1) throw new ProtocolError('BAD_REQUEST', `lossMask must hold 0 or 1, found ${m} at ${i}`);
    mask[i] = m;
    tokens += m;
  }
  if (tokens === 0) throw new ProtocolError('BAD_REQUEST', 'the batch has no counted tokens (lossMask is all zero)');
  return { hidden, batch: B, seqLen: T, targets: ids, mask, tokens };
}

/** Checks an adapter update: exactly the layout's names and shapes, float values, all finite and within range. */
export function decodeAdapter(bundle: FrameBundle, layout: Record<string, number[]>): Record<string, { shape: number[]; data: Float32Array }> {
  // No prototype: a tensor named "__proto__" or "constructor" is just an unknown name.
  const out = Object.create(null) as Record<string, { shape: number[]; data: Float32Array }>;
  let frames: TensorFrame[];
  try {
    frames = unpackFrames(bundle);
  } catch (error) {
    return asProtocolError(error);
  }
  for (const frame of frames) {
    const shape = Object.prototype.hasOwnProperty.call(layout, frame.name) ? layout[frame.name] : undefined;
    if (shape === undefined) throw new ProtocolError('SHAPE_MISMATCH', `adapter tensor ${frame.name} is not part of the client adapter`);
    if (out[frame.name] !== undefined) throw new ProtocolError('BAD_REQUEST', `adapter tensor ${frame.name} sent twice`);
    if (frame.shape.join() !== shape.join()) {
      throw new ProtocolError('SHAPE_MISMATCH', `adapter tensor ${frame.name}: expected shape [${shape.join(', ')}], found [${frame.shape.join(', ')}]`);
    }
    out[frame.name] = { shape, data: decodeFloat(frame) };
  }
  const missing = Object.keys(layout).find((name) => out[name] === undefined);
  if (missing !== undefined) throw new ProtocolError('SHAPE_MISMATCH', `adapter update lacks ${missing}`);
  return out;
}
