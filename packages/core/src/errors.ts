// Errors raised by the core: each says what was expected and what was found.

/** Machine-readable reason of a core error; the server maps these onto protocol error codes. */
export type CoreErrorKind =
  | 'config' // a config object is malformed (unknown key, bad value)
  | 'range' // a layer index or cut point is out of range
  | 'checkpoint' // a checkpoint is missing tensors or has mis-shaped ones
  | 'format' // a file (safetensors, CSV, JSONL, PEFT) cannot be parsed
  | 'data' // a dataset cannot be used (empty, too short)
  | 'adapter' // adapters disagree on names or shapes
  | 'privacy'; // a privacy mechanism cannot proceed (secure aggregation round, missing WebCrypto)

export class CoreError extends Error {
  readonly kind: CoreErrorKind;
  constructor(kind: CoreErrorKind, message: string) {
    super(message);
    this.name = 'CoreError';
    this.kind = kind;
  }
}

export function fail(kind: CoreErrorKind, message: string): never {
  throw new CoreError(kind, message);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
