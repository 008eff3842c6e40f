// Many tensor frames as one binary buffer and an index, so a message carries one binary attachment whatever the
// adapter's size (socket.io's parser refuses a message with more than 10 attachments).
import { z } from 'zod';
import { alignedBytes, BYTES_PER_ELEMENT, elementCount, FrameError, type Binary, type TensorFrame, tensorFrameSchema } from './tensor-frame.js';

/** One tensor of a bundle: its frame fields, its bytes at `offset` of the bundle's data. */
export interface BundledTensor extends Omit<TensorFrame, 'data'> {
  offset: number;
}

export interface FrameBundle {
  tensors: BundledTensor[];
  data: Binary;
}

const bundledTensorSchema = tensorFrameSchema.omit({ data: true }).extend({ offset: z.number().int().nonnegative() });

export const frameBundleSchema = z.strictObject({
  tensors: z.array(bundledTensorSchema).min(1).max(10_000),
  data: tensorFrameSchema.shape.data,
});

/** Packs frames back to back (each starts on a 4-byte boundary) into one buffer. */
export function packFrames(frames: readonly TensorFrame[]): FrameBundle {
  const offsets: number[] = [];
  let size = 0;
  for (const frame of frames) {
    offsets.push(size);
    size += Math.ceil(frame.data.byteLength / 4) * 4;
  }
  const data = new Uint8Array(size);
  const tensors = frames.map(({ data: bytes, ...header }, i) => {
    data.set(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), offsets[i]);
    return { ...header, offset: offsets[i]! };
  });
  return { tensors, data };
}

/** The frames of a bundle; refuses a tensor whose bytes lie outside the buffer. */
export function unpackFrames(bundle: FrameBundle): TensorFrame[] {
  const bytes = alignedBytes(bundle.data);
  return bundle.tensors.map(({ offset, ...header }) => {
    const length = elementCount(header.shape) * BYTES_PER_ELEMENT[header.dtype];
    if (offset + length > bytes.byteLength) {
      throw new FrameError('size', `${header.name}: bytes ${offset}..${offset + length} lie outside the bundle's ${bytes.byteLength} bytes`);
    }
    return { ...header, data: bytes.subarray(offset, offset + length) };
  });
}
