// Size limits shared by server and clients: socket.io drops a connection (and the message) over maxHttpBufferSize,
// so large payloads are chunked and every frame is checked against the limit before it is sent.

/** Default socket.io maxHttpBufferSize of the server: room for the activations of gpt2-medium at batch 8 × 512 in fp32. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Size of one chunk of a downloaded asset (weights, tokenizer). */
export const ASSET_CHUNK_BYTES = 1024 * 1024;

/** Room for the JSON envelope and the other fields of a message beside its binary frames. */
export const MESSAGE_OVERHEAD_BYTES = 64 * 1024;
