// Runs one volunteer of a fleet in this thread: a socket, the shared client loop, a shard of the data.
import { type AssetCache, rotateServers, Volunteer, type VolunteerEvent, type VolunteerOutcome, type VolunteerSocket } from '@splitlora/client';
import { io } from 'socket.io-client';
import { loadShards, type ShardSpec } from './fleet-data.js';

export interface FleetClientOptions {
  /** The server, or several comma-separated (split workers): volunteer i starts on the (i mod n)-th and fails over to the next. */
  server: string;
  index: number;
  shards: ShardSpec;
  cache: AssetCache;
  onEvent: (index: number, event: VolunteerEvent) => void;
}

export interface FleetClientHandle {
  volunteer: Volunteer;
  done: Promise<VolunteerOutcome>;
}

export function startFleetClient(options: FleetClientOptions): FleetClientHandle {
  const urls = options.server.split(',').map((url) => url.trim()).filter((url) => url !== '');
  const first = options.index % urls.length;
  const socket: VolunteerSocket = io(urls[first]!, {
    forceNew: true, autoConnect: false, transports: ['websocket'], reconnectionDelay: 500, reconnectionDelayMax: 5000,
  });
  rotateServers(socket, urls, first);
  const volunteer = new Volunteer({
    socket, backend: 'node', name: `fleet-${options.index}`, cache: options.cache,
    loadExamples: async (tokenizer, maxSeqLen) => (await loadShards(options.shards, tokenizer, maxSeqLen))[options.index]!,
    onEvent: (event) => options.onEvent(options.index, event),
  });
  return { volunteer, done: volunteer.run() };
}
