// The Redis side of the scale-out: connections (commands, pub/sub, the blocking stream reader), the key and channel
// names, and the binary codec of internal messages (v8 serialization: typed arrays travel as they are). Messages
// between a coordinator and its workers come from our own processes; volunteers' input is validated before it gets here.
import { deserialize, serialize } from 'node:v8';
import { Redis } from 'ioredis';

export const KEYS = {
  /** worker → coordinator: one stream, so one worker's messages stay in order. */
  toCoordinator: 'splitlora:to-coordinator',
  /** coordinator → every worker, replies to one worker's requests included: one stream, read from where each reader
   * was, so nothing is lost while a connection is re-established (a Redis restart), and everything stays in order. */
  control: 'splitlora:control-stream',
  /** The current run ({runId, config}) and its global server adapter ({round, adapter}). */
  run: 'splitlora:run',
  serverAdapter: 'splitlora:server-adapter',
  update: (runId: string, round: number, clientId: string) => `splitlora:update:${runId}:${round}:${clientId}`,
  serverCopy: (runId: string, round: number, worker: string) => `splitlora:server-copy:${runId}:${round}:${worker}`,
};

/** How long blobs in transit (uploaded adapters, server copies) live if nobody picks them up. */
export const BLOB_TTL_SECONDS = 3600;

export function encode(value: unknown): Buffer {
  return serialize(value);
}

export function decode<T>(bytes: Buffer): T {
  return deserialize(bytes) as T;
}

/** A Redis connection that keeps retrying (Redis restarts are survived) and says what happened to the log. */
export function connectRedis(url: string, name: string, warn: (message: string) => void): Redis {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: null, connectionName: name, retryStrategy: (times) => Math.min(times * 200, 2000) });
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) warn(`redis ${name}: ${error.message}`);
    down = true;
  });
  redis.on('ready', () => (down = false));
  return redis;
}

/** Appends one message to a stream (trimmed to about the last 100 000). */
export async function appendToStream(redis: Redis, stream: string, message: unknown): Promise<void> {
  await redis.xadd(stream, 'MAXLEN', '~', '100000', '*', 'm', encode(message));
}

/** The id of a stream's newest entry ('0-0' when it is empty or missing): reading after it gets only what comes next. */
async function lastEntryId(redis: Redis, stream: string): Promise<string> {
  const newest = await redis.xrevrange(stream, '+', '-', 'COUNT', 1);
  return newest[0]?.[0] ?? '0-0';
}

/**
 * Reads a stream on its own connection until stop() is called, from the entries appended after this call (resolved
 * once that point is fixed), handing each message to `handle` in order (one at a time). After a Redis restart it
 * goes on from the last id it read: the new server's ids are later (they are times), so nothing appended is skipped.
 */
export async function readStream<T>(redis: Redis, stream: string, handle: (message: T) => Promise<void>, warn: (message: string) => void): Promise<() => void> {
  let stopped = false;
  let lastId = await lastEntryId(redis, stream);
  const loop = async () => {
    while (!stopped) {
      let batches: [Buffer, [Buffer, Buffer[]][]][] | null;
      try {
        batches = (await redis.xreadBuffer('COUNT', 100, 'BLOCK', 500, 'STREAMS', stream, lastId)) as [Buffer, [Buffer, Buffer[]][]][] | null;
      } catch (error) {
        if (stopped) return;
        warn(`reading ${stream}: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      for (const [, entries] of batches ?? []) {
        for (const [id, fields] of entries) {
          lastId = id.toString();
          const at = fields.findIndex((f, i) => i % 2 === 0 && f.toString() === 'm');
          if (at < 0) continue;
          try {
            await handle(decode<T>(fields[at + 1]!));
          } catch (error) {
            warn(`message ${lastId} of ${stream} failed: ${(error as Error).stack ?? String(error)}`);
          }
        }
      }
    }
  };
  void loop();
  return () => {
    stopped = true;
  };
}
