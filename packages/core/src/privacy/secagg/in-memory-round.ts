// One secure-aggregation round with every party in this process and messages passed in memory (no transport):
// for tests and the `secagg` benchmark. Volunteers can drop at a chosen point; an empty queue stands for a deadline.
import type { CoreCrypto, RandomBytes } from '../web-crypto.js';
import { SecAggClient } from './secagg-client.js';
import type { SecAggConfig, SecAggErrorInfo } from './secagg-config.js';
import { messageBytes } from './secagg-messages.js';
import { type SecAggResult, SecAggServer, type SecAggServerEvent } from './secagg-server.js';

/** Where a volunteer vanishes: before advertising keys, after it, before its masked input arrives, or after it. */
export type DropPoint = 'before-keys' | 'after-keys' | 'before-masked-input' | 'after-masked-input';

const MESSAGES_BEFORE_DROP: Record<DropPoint, number> = { 'before-keys': 0, 'after-keys': 1, 'before-masked-input': 2, 'after-masked-input': 3 };

export interface InMemoryRoundOptions {
  config: SecAggConfig;
  /** Each volunteer's input vector, by id. */
  inputs: Record<string, ArrayLike<number>>;
  dropouts?: Record<string, DropPoint>;
  /** Secret randomness per volunteer (default: the platform's CSPRNG). */
  randomFor?: (id: string) => RandomBytes;
  crypto?: CoreCrypto;
  /** Milliseconds clock (e.g. performance.now) to time each party; without one, times are 0. */
  clock?: () => number;
  /** Sees the server after each event it handled (tests inspect its state mid-round). */
  onServerEvent?: (server: SecAggServer, event: SecAggServerEvent) => void;
}

export interface PartyCost {
  bytesUp: number;
  bytesDown: number;
  ms: number;
}

export interface InMemoryRoundOutcome {
  result: SecAggResult | null;
  error: SecAggErrorInfo | null;
  rejected: { from: string; error: SecAggErrorInfo }[];
  server: SecAggServer;
  clients: Map<string, SecAggClient>;
  costs: { clients: Map<string, PartyCost>; serverMs: number; deadlines: number };
}

type Delivery = { to: 'server'; event: SecAggServerEvent } | { to: 'client'; id: string; event: Parameters<SecAggClient['handle']>[0] };

export async function runInMemoryRound(options: InMemoryRoundOptions): Promise<InMemoryRoundOutcome> {
  const ids = Object.keys(options.inputs);
  const clock = options.clock ?? (() => 0);
  const server = new SecAggServer({ config: options.config, participants: ids, ...(options.crypto ? { crypto: options.crypto } : {}) });
  const clients = new Map(ids.map((id) => [id, new SecAggClient({ id, config: options.config, ...(options.crypto ? { crypto: options.crypto } : {}), ...(options.randomFor ? { random: options.randomFor(id) } : {}) })]));
  const costs = new Map(ids.map((id) => [id, { bytesUp: 0, bytesDown: 0, ms: 0 }]));
  const sent = new Map(ids.map((id) => [id, 0]));
  const gone = new Set<string>();
  const queue: Delivery[] = [];
  const outcome: InMemoryRoundOutcome = { result: null, error: null, rejected: [], server, clients, costs: { clients: costs, serverMs: 0, deadlines: 0 } };
  for (const id of ids) {
    if (options.dropouts?.[id] === 'before-keys') {
      gone.add(id);
      queue.push({ to: 'server', event: { type: 'dropped', id } });
      continue;
    }
    queue.push({ to: 'client', id, event: { type: 'input', vector: options.inputs[id]! } }, { to: 'client', id, event: { type: 'start' } });
  }
  while (outcome.result === null && outcome.error === null) {
    const delivery = queue.shift() ?? { to: 'server', event: { type: 'deadline' } };
    if (delivery.to === 'server') {
      if (delivery.event.type === 'deadline' && ++outcome.costs.deadlines > 8) throw new Error(`the round is still in phase ${server.phase} after 8 deadlines`);
      const t0 = clock();
      const actions = await server.handle(delivery.event);
      outcome.costs.serverMs += clock() - t0;
      options.onServerEvent?.(server, delivery.event);
      for (const action of actions) {
        if (action.type === 'send') {
          if (gone.has(action.to)) continue;
          costs.get(action.to)!.bytesDown += messageBytes(action.message);
          queue.push({ to: 'client', id: action.to, event: action.message });
        } else if (action.type === 'result') {
          const { type: _type, ...result } = action;
          outcome.result = result;
        } else if (action.type === 'failed') outcome.error = action.error;
        else outcome.rejected.push({ from: action.from, error: action.error });
      }
      continue;
    }
    if (gone.has(delivery.id)) continue;
    const cost = costs.get(delivery.id)!;
    const t0 = clock();
    const actions = await clients.get(delivery.id)!.handle(delivery.event);
    cost.ms += clock() - t0;
    for (const action of actions) {
      if (action.type !== 'send') continue;
      cost.bytesUp += messageBytes(action.message);
      queue.push({ to: 'server', event: action.message });
      sent.set(delivery.id, sent.get(delivery.id)! + 1);
      const drop = options.dropouts?.[delivery.id];
      if (drop !== undefined && sent.get(delivery.id) === MESSAGES_BEFORE_DROP[drop]) {
        gone.add(delivery.id);
        queue.push({ to: 'server', event: { type: 'dropped', id: delivery.id } });
      }
    }
  }
  return outcome;
}
