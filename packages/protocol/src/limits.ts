// Size limits shared by server and clients: socket.io drops a connection (and the message) over maxHttpBufferSize,
// so large payloads are chunked and every frame is checked against the limit before it is sent.

/** Default socket.io maxHttpBufferSize of the server: room for the activations of gpt2-medium at batch 8 × 512 in fp32. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Size of one chunk of a downloaded asset (weights, tokenizer). */
export const ASSET_CHUNK_BYTES = 1024 * 1024;

/** Room for the JSON envelope and the other fields of a message beside its binary frames. */
export const MESSAGE_OVERHEAD_BYTES = 64 * 1024;

/**
 * Largest magnitude a decoded float frame may hold (activations, gradients, adapters). GPT-2's largest residual
 * activations are ~3e3; a value beyond this is an attack or a broken client, and squaring it in a layer norm would
 * leave float32's range.
 */
export const FRAME_MAX_ABS = 1e6;

/** The range of a float frame's power-of-two scale (the encoder uses 2^-40..2^40): no scale turns a finite value into ±Infinity. */
export const FRAME_SCALE_RANGE = { min: 2 ** -64, max: 2 ** 64 } as const;
