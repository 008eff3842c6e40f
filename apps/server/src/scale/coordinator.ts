// `--role coordinator`: the run's state, round machine, aggregation, persistence and the admin namespace, as in a
// single process, but without volunteers of its own: they connect to split workers (worker.ts), which forward what
// the round machine must decide and train the steps themselves. Broadcasts reach every worker's volunteers through
// socket.io's Redis adapter; the rest travels through Redis (redis-bus.ts, scale-messages.ts).
import { randomBytes } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-adapter';
import type { NamedHostTensors, WeightedUpdate } from '@splitlora/core';
import { ProtocolError, type RoundStart, type RunInfo } from '@splitlora/protocol';
import type { Redis } from 'ioredis';
import { createLogger, stderrSink } from '../log.js';
import { createServer, type ServerOptions, type SplitLoraServer } from '../server.js';
import { appendToStream, connectRedis, decode, encode, KEYS, readStream } from './redis-bus.js';
import { RemoteVolunteers } from './remote-volunteers.js';
import type { CoordinatorToWorkers, RunDescriptor, WorkerReply, WorkerToCoordinator } from './scale-messages.js';
import { scaleOutRefusal } from './scale-out-support.js';
import { type WorkerFleet, WorkerServerAdapters } from './worker-server-adapters.js';

/** How long a round's end waits for the workers' server-adapter copies before it goes on without the missing ones. */
const COLLECT_TIMEOUT_MS = 120_000;

/** Liveness checks (one a second) a worker may miss before it counts as dead. */
const MISSED_CHECKS = 3;

/** After the coordinator's own Redis connection comes back (a Redis restart), workers get this long to reconnect
 * before liveness checks count again (their connections retry every ≤ 2 s). */
const RECONNECT_GRACE_MS = 10_000;

export interface CoordinatorOptions extends Omit<ServerOptions, 'coordinator'> {
  redisUrl: string;
}

export interface Coordinator extends SplitLoraServer {
  /** Workers alive now, by name, with the URL volunteers reach them at. */
  workers(): Map<string, string>;
  /** Resolves once every named worker has said hello; rejects after `timeoutMs`, naming the missing ones. */
  untilWorkers(names: readonly string[], timeoutMs: number): Promise<void>;
  /** Training steps each worker has trained since the coordinator started, by worker name. */
  stepsByWorker(): Map<string, number>;
  /** What each worker reported: server-side step latencies (ms, in order) and its model queue's busy ms (once a second). */
  workerLoad(): Map<string, WorkerLoad>;
}

export interface WorkerLoad {
  steps: number;
  latenciesMs: number[];
  busyMs: number;
}

interface PendingCollect {
  runId: string;
  round: number;
  expected: Set<string>;
  copies: Map<string, WeightedUpdate | null>;
  done(): void;
}

export async function startCoordinator(options: CoordinatorOptions): Promise<Coordinator> {
  const log = createLogger('coordinator', options.logSinks ?? [stderrSink({ quiet: options.quiet })]);
  const warn = (m: string) => log.warn(m);
  const cmd = connectRedis(options.redisUrl, 'coordinator', warn);
  const adapterPub = connectRedis(options.redisUrl, 'coordinator-io-pub', warn);
  const adapterSub = adapterPub.duplicate();
  const reader = connectRedis(options.redisUrl, 'coordinator-reader', warn);
  const workers = new Map<string, string>();
  const collects = new Set<PendingCollect>();
  const helloWaiters = new Set<() => void>();
  const missing = new Map<string, number>();
  const load = new Map<string, WorkerLoad>();
  const loadOf = (worker: string): WorkerLoad => {
    const l = load.get(worker) ?? { steps: 0, latenciesMs: [], busyMs: 0 };
    load.set(worker, l);
    return l;
  };
  let server: SplitLoraServer | null = null;
  let announcedRun: string | null = null;
  const publish = (message: CoordinatorToWorkers) => void appendToStream(cmd, KEYS.control, message).catch((e: Error) => warn(`publishing ${message.type}: ${e.message}`));
  // What the workers read from keys, kept to be written again if Redis restarts (it keeps nothing: no persistence).
  const keys = new Map<string, Buffer>();
  const setKey = (key: string, bytes: Buffer) => {
    keys.set(key, bytes);
    return cmd.set(key, bytes);
  };
  let readyAt = Date.now();
  let connectedBefore = false;
  cmd.on('ready', () => {
    readyAt = Date.now();
    missing.clear();
    if (connectedBefore) {
      log.warn('redis is back: writing the run and its server adapter again');
      for (const [key, bytes] of keys) void cmd.set(key, bytes).catch((e: Error) => warn(`rewriting ${key}: ${e.message}`));
    }
    connectedBefore = true;
  });
  const currentRunId = () => server?.host.current?.runId ?? '';

  const fleet: WorkerFleet = {
    async publishServerAdapter(adapter: NamedHostTensors) {
      await setKey(KEYS.serverAdapter, encode(adapter));
      if (announcedRun !== null) publish({ type: 'serverGlobal', runId: announcedRun });
    },
    collect(round, reporters) {
      const runId = currentRunId();
      return new Promise((resolve) => {
        const pending: PendingCollect = {
          runId, round, expected: new Set(workers.keys()), copies: new Map(),
          done: () => {
            collects.delete(pending);
            clearTimeout(timer);
            resolve([...pending.copies.values()].filter((c): c is WeightedUpdate => c !== null));
          },
        };
        const timer = setTimeout(() => {
          log.warn(`round ${round}: no server-adapter copy from ${[...pending.expected].filter((w) => !pending.copies.has(w)).join(', ')} after ${COLLECT_TIMEOUT_MS / 1000} s; going on without`);
          pending.done();
        }, COLLECT_TIMEOUT_MS);
        collects.add(pending);
        publish({ type: 'collect', runId, round, reporters: [...reporters] });
        checkCollect(pending);
      });
    },
    abort() {
      publish({ type: 'abort', runId: currentRunId() });
    },
  };
  const checkCollect = (pending: PendingCollect) => {
    if ([...pending.expected].every((w) => pending.copies.has(w) || !workers.has(w))) pending.done();
  };

  server = await createServer({
    ...options,
    resumeDir: undefined,
    coordinator: {
      socketAdapter: createAdapter(adapterPub, adapterSub, { key: 'splitlora:io' }),
      serverAdapterPolicy: (_run, _plan, start) => new WorkerServerAdapters(start.serverAdapter, fleet),
      refuseRun: scaleOutRefusal,
      roundStart(clientId: string, msg: RoundStart) {
        const socketId = server?.registry.get(clientId)?.socketId;
        if (socketId) publish({ type: 'roundStart', socketId, clientId, msg });
      },
      runState(info: RunInfo) {
        const run = server?.host.current;
        if (run !== undefined && run !== null && run.runId === info.runId && announcedRun !== info.runId) {
          announcedRun = info.runId;
          void setKey(KEYS.run, encode({ runId: run.runId, config: run.config } satisfies RunDescriptor)).catch((e: Error) => warn(`saving the run: ${e.message}`));
          publish({ type: 'run' });
        }
        publish({ type: 'runState', info });
      },
      refuseVolunteers: 'this is the run\'s coordinator; volunteers connect to a split worker',
    },
  });
  const srv = server;
  const remote = new RemoteVolunteers(srv, cmd, log);

  const reply = (worker: string, message: WorkerReply) => publish({ type: 'reply', worker, reply: message });
  const handle = async (message: WorkerToCoordinator): Promise<void> => {
    if (!workers.has(message.worker) && message.kind !== 'hello') workers.set(message.worker, '');
    switch (message.kind) {
      case 'hello':
        workers.set(message.worker, message.url);
        log.info(`worker ${message.worker} at ${message.url}`);
        helloWaiters.forEach((check) => check());
        return;
      case 'request':
        try {
          reply(message.worker, { id: message.id, ok: true, data: await remote.request(message.worker, message.socketId, message.request) });
        } catch (error) {
          if (error instanceof ProtocolError) reply(message.worker, { id: message.id, ok: false, code: error.code, message: error.message });
          else {
            log.error(`${message.request.op} from worker ${message.worker} failed: ${(error as Error).stack ?? String(error)}`);
            reply(message.worker, { id: message.id, ok: false, code: 'INTERNAL', message: `the coordinator could not handle ${message.request.op}; the error is in its log` });
          }
        }
        return;
      case 'serverCopy': {
        const pending = [...collects].find((p) => p.runId === message.runId && p.round === message.round);
        if (pending === undefined) return;
        let copy: WeightedUpdate | null = null;
        if (message.adapterKey !== null && message.tokens > 0) {
          const bytes = await cmd.getBuffer(message.adapterKey);
          void cmd.del(message.adapterKey).catch(() => {});
          if (bytes !== null) copy = { source: message.worker, adapter: decode<NamedHostTensors>(bytes), weight: message.tokens };
        }
        pending.copies.set(message.worker, copy);
        checkCollect(pending);
        return;
      }
      case 'load':
        loadOf(message.worker).busyMs = message.busyMs;
        return;
      default:
        if (message.kind === 'step') {
          const l = loadOf(message.worker);
          l.steps++;
          if (l.latenciesMs.length < 1_000_000) l.latenciesMs.push(message.latencyMs);
        }
        remote.event(message);
    }
  };
  const stopReading = await readStream<WorkerToCoordinator>(reader, KEYS.toCoordinator, handle, warn);

  // A worker whose Redis connections are all gone has died (a crashed process's sockets close at once; a busy one's
  // stay open however long its step takes): its volunteers count as disconnected, its copies are no longer awaited.
  const liveness = setInterval(() => {
    if (Date.now() - readyAt < RECONNECT_GRACE_MS) return;
    void (cmd.client('LIST') as Promise<string>).then((list) => {
      const connected = new Set([...list.matchAll(/ name=worker-(\S+)/g)].map((m) => m[1]!));
      for (const worker of [...workers.keys()]) {
        const missed = connected.has(worker) ? 0 : (missing.get(worker) ?? 0) + 1;
        missing.set(worker, missed);
        if (missed < MISSED_CHECKS) continue; // a Redis restart drops every connection for a moment
        workers.delete(worker);
        missing.delete(worker);
        log.warn(`worker ${worker} is gone (no connection to Redis); its volunteers may reconnect to another worker`);
        remote.workerLost(worker);
      }
      for (const pending of collects) checkCollect(pending);
    }).catch(() => {});
  }, 1000);

  if (options.resumeDir !== undefined) (await srv.host.resume(options.resumeDir)).start();
  // Workers running already say hello and let their volunteers reconnect: this coordinator knows none of them.
  publish({ type: 'coordinator', epoch: randomBytes(8).toString('hex') });
  log.info(`coordinating through ${options.redisUrl}`);
  const closeServer = srv.close.bind(srv);
  return Object.assign(srv, {
    workers: () => new Map(workers),
    untilWorkers: (names: readonly string[], timeoutMs: number) => new Promise<void>((resolve, reject) => {
      const missingNow = () => names.filter((n: string) => !workers.get(n));
      const check = () => {
        if (missingNow().length > 0) return;
        helloWaiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        helloWaiters.delete(check);
        reject(new Error(`split worker(s) ${missingNow().join(', ')} did not reach the coordinator within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      helloWaiters.add(check);
      check();
    }),
    stepsByWorker: () => new Map([...load].map(([w, l]) => [w, l.steps])),
    workerLoad: () => new Map([...load].map(([w, l]) => [w, { ...l, latenciesMs: [...l.latenciesMs] }])),
    async close() {
      clearInterval(liveness);
      stopReading();
      await closeServer();
      reader.disconnect(); // it is blocked in XREAD
      await Promise.all(([cmd, adapterPub, adapterSub] as Redis[]).map((r) => (r.status === 'ready' ? r.quit().catch(() => r.disconnect()) : r.disconnect())));
    },
  });
}
