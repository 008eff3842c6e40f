// The few web-standard globals the core uses (present in browsers, workers and Node ≥ 18); declared here so the
// core's tsconfig can leave out both the DOM and Node type libraries.

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}

interface CoreReadableStreamReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  releaseLock(): void;
}

interface CoreResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  readonly body: { getReader(): CoreReadableStreamReader } | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

type CoreFetch = (url: string, init?: { headers?: Record<string, string>; signal?: unknown }) => Promise<CoreResponse>;

declare const fetch: CoreFetch;
