// The subset of the web fetch API the hub downloader uses (browsers, workers and Node ≥ 18 all provide it).

export interface CoreReadableStreamReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  releaseLock(): void;
}

export interface CoreResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  readonly body: { getReader(): CoreReadableStreamReader } | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export type CoreFetch = (url: string, init?: { headers?: Record<string, string> }) => Promise<CoreResponse>;
