// `--role worker`: a split worker. It serves volunteers (the page, socket.io) and trains their steps on its own
// server split and server-adapter copy; what the round machine decides it asks of the coordinator, through Redis.
// Broadcasts from the coordinator reach its volunteers through socket.io's Redis adapter.
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { createAdapter } from '@socket.io/redis-adapter';
import type { NamedHostTensors } from '@splitlora/core';
import { findDataDir, type NodeBackendChoice, selectNodeBackend } from '@splitlora/node';
import {
  type ClientToServerEvents, DEFAULT_MAX_MESSAGE_BYTES, NAMESPACES, PROTOCOL_VERSION, ProtocolError, type RunInfo, type ServerToClientEvents,
} from '@splitlora/protocol';
import type { Redis } from 'ioredis';
import { Server as SocketServer } from 'socket.io';
import { DEFAULT_RATE_LIMIT, type RateLimit, RateLimiter } from '../clients/rate-limiter.js';
import { listen } from '../http/listen.js';
import { serveStatic } from '../http/static-files.js';
import { createLogger, type LogSink, stderrSink } from '../log.js';
import { REPO_ROOT } from '../server.js';
import {
  appendToStream, BLOB_TTL_SECONDS, connectRedis, decode, encode, KEYS, readStream,
} from './redis-bus.js';
import type { CoordinatorToWorkers, RunDescriptor, WorkerRequest, WorkerToCoordinator } from './scale-messages.js';
import { WorkerRun } from './worker-run.js';
import { attachWorkerVolunteers } from './worker-volunteers.js';

/** How long a volunteer's forwarded request waits for the coordinator. */
const ASK_TIMEOUT_MS = 60_000;

export interface WorkerOptions {
  redisUrl: string;
  /** This worker's name (default: host, process id and a random suffix). */
  name?: string;
  port?: number;
  host?: string;
  backend?: NodeBackendChoice;
  modelsDir?: string;
  dataDir?: string;
  maxMessageBytes?: number;
  rateLimit?: RateLimit;
  volunteerDir?: string;
  quiet?: boolean;
  logSinks?: LogSink[];
}

export interface JoinReply { clientId: string; resumeToken: string; resumed: boolean; run: RunInfo | null }

export interface SplitWorker {
  name: string;
  url: string;
  port: number;
  backend: string;
  http: HttpServer;
  /** The worker's copy of the current run, once loaded. */
  run(): WorkerRun | null;
  /** Volunteers connected here, by socket id. */
  volunteers(): ReadonlyMap<string, string>;
  close(): Promise<void>;
  /** Stops as a crash would: connections cut, no goodbye to the coordinator (for fault tests). */
  crash(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<SplitWorker> {
  const name = options.name ?? `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
  const log = createLogger(`worker:${name}`, options.logSinks ?? [stderrSink({ quiet: options.quiet })]);
  const warn = (m: string) => log.warn(m);
  const selection = await selectNodeBackend(options.backend ?? 'auto');
  log.info(`tfjs backend: ${selection.backend} — ${selection.detail}`);
  const dataDir = findDataDir(options.dataDir);
  const modelsDir = resolve(options.modelsDir ?? join(REPO_ROOT, 'models'));
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const cmd = connectRedis(options.redisUrl, `worker-${name}`, warn);
  const reader = cmd.duplicate();
  const adapterPub = cmd.duplicate();
  const adapterSub = cmd.duplicate();
  const connections: Redis[] = [cmd, reader, adapterPub, adapterSub];

  const tell = (message: WorkerToCoordinator) => void appendToStream(cmd, KEYS.toCoordinator, message).catch((e: Error) => warn(`to the coordinator: ${e.message}`));
  let nextAsk = 1;
  const asks = new Map<number, { resolve(data: unknown): void; reject(error: Error): void }>();
  const ask = (socketId: string, request: WorkerRequest): Promise<unknown> => new Promise((resolveAsk, reject) => {
    const id = nextAsk++;
    const timer = setTimeout(() => {
      asks.delete(id);
      reject(new ProtocolError('UNAVAILABLE', 'the run\'s coordinator did not answer in time; try again shortly'));
    }, ASK_TIMEOUT_MS);
    asks.set(id, {
      resolve: (data) => { clearTimeout(timer); resolveAsk(data); },
      reject: (error) => { clearTimeout(timer); reject(error); },
    });
    tell({ kind: 'request', id, worker: name, socketId, request });
  });

  // The worker's copy of the current run: loaded when the coordinator announces it (or a volunteer names it first).
  let current: WorkerRun | null = null;
  let loading: { runId: string; promise: Promise<WorkerRun | null> } | null = null;
  const runDeps = {
    modelsDir, dataDir, maxMessageBytes, log,
    onStep: (clientId: string, round: number, step: number, loss: number, tokens: number, latencyMs: number) => {
      if (current !== null) tell({ kind: 'step', worker: name, runId: current.runId, clientId, round, step, loss, tokens, latencyMs });
    },
  };
  const sync = (): Promise<WorkerRun | null> => {
    const job = (async () => {
      const bytes = await cmd.getBuffer(KEYS.run);
      if (bytes === null) return current;
      const descriptor = decode<RunDescriptor>(bytes);
      const adapterBytes = await cmd.getBuffer(KEYS.serverAdapter);
      if (current?.runId === descriptor.runId) {
        // Announced again (a coordinator resumed it): this round's copy starts over from the global adapter.
        if (adapterBytes !== null) await current.restartFrom(decode<NamedHostTensors>(adapterBytes));
        return current;
      }
      if (adapterBytes === null) throw new Error(`run ${descriptor.runId} has no server adapter in Redis`);
      const next = await WorkerRun.create(descriptor, decode<NamedHostTensors>(adapterBytes), runDeps);
      const old = current;
      current = next;
      await old?.dispose();
      log.info(`following run ${descriptor.runId}`);
      return next;
    })();
    loading = { runId: '', promise: job };
    return job.finally(() => { if (loading?.promise === job) loading = null; });
  };
  const runFor = async (runId: string): Promise<WorkerRun> => {
    if (current?.runId === runId) return current;
    const run = await (loading?.promise ?? sync()).catch(() => null);
    if (run?.runId === runId) return run;
    const again = await sync();
    if (again?.runId !== runId) throw new ProtocolError('NO_RUN', `run ${runId} is not the current run`);
    return again;
  };

  const http = createHttpServer();
  const rawSockets = new Set<Socket>();
  http.on('connection', (socket) => {
    rawSockets.add(socket);
    socket.once('close', () => rawSockets.delete(socket));
  });
  const io = new SocketServer<ClientToServerEvents, ServerToClientEvents>(http, {
    maxHttpBufferSize: maxMessageBytes, pingTimeout: 60_000, pingInterval: 10_000, cors: { origin: true },
    adapter: createAdapter(adapterPub, adapterSub, { key: 'splitlora:io' }),
  });
  const volunteers = io.of(NAMESPACES.volunteer);
  const traffic = new Map<string, [number, number]>();
  const clientOf = attachWorkerVolunteers(volunteers, {
    logger: log, limiter: new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT), backend: selection.backend, worker: name, ask, tell,
    run: runFor, current: () => current,
    async stashUpdate(runId, round, clientId, adapter) {
      const key = KEYS.update(runId, round, clientId);
      await cmd.set(key, encode(adapter), 'EX', BLOB_TTL_SECONDS);
      return key;
    },
    traffic(socketId, up, down) {
      const t = traffic.get(socketId) ?? [0, 0];
      t[0] += up;
      t[1] += down;
      traffic.set(socketId, t);
    },
  });

  const control = async (message: CoordinatorToWorkers): Promise<void> => {
    switch (message.type) {
      case 'reply': {
        if (message.worker !== name) return;
        const answer = message.reply;
        const pending = asks.get(answer.id);
        asks.delete(answer.id);
        if (pending === undefined) return;
        if (answer.ok) pending.resolve(answer.data);
        else pending.reject(new ProtocolError(answer.code as ProtocolError['code'], answer.message));
        return;
      }
      case 'coordinator':
        // A new coordinator knows none of the volunteers here: their connections are cut (as if this worker had
        // restarted), so they reconnect and join it; requests still waiting for the old one will get no answer.
        log.warn(`a coordinator started (${message.epoch}): ${clientOf.size} volunteer(s) here reconnect to join it`);
        if (url !== '') tell({ kind: 'hello', worker: name, url }); // (before it listens, its first hello follows)
        for (const socket of volunteers.sockets.values()) socket.conn.close();
        for (const [id, pending] of [...asks]) {
          asks.delete(id);
          pending.reject(new ProtocolError('UNAVAILABLE', 'the run\'s coordinator restarted; join again'));
        }
        return;
      case 'run':
        await sync();
        return;
      case 'runState':
        if (current?.runId === message.info.runId) current.setState(message.info.state);
        return;
      case 'roundStart': {
        const socket = volunteers.sockets.get(message.socketId);
        if (socket === undefined) return;
        const run = await runFor(message.msg.runId);
        run.participantStarts(message.clientId, message.msg.round, message.msg.firstStep);
        socket.emit('round:start', message.msg);
        return;
      }
      case 'collect': {
        const run = current?.runId === message.runId ? current : null;
        if (run === null) {
          tell({ kind: 'serverCopy', worker: name, runId: message.runId, round: message.round, tokens: 0, adapterKey: null });
          return;
        }
        const copy = await run.serverCopy(message.reporters, message.round);
        const adapterKey = KEYS.serverCopy(message.runId, message.round, name);
        await cmd.set(adapterKey, encode(copy.adapter), 'EX', BLOB_TTL_SECONDS);
        tell({ kind: 'serverCopy', worker: name, runId: message.runId, round: message.round, tokens: copy.tokens, adapterKey });
        return;
      }
      case 'serverGlobal':
      case 'abort': {
        if (current?.runId !== message.runId) return;
        const bytes = await cmd.getBuffer(KEYS.serverAdapter);
        if (bytes !== null) await current.restartFrom(decode<NamedHostTensors>(bytes));
        return;
      }
    }
  };
  let url = '';
  const stopReading = await readStream<CoordinatorToWorkers>(reader, KEYS.control, control, warn);

  const volunteerApp = { prefix: '/', dir: options.volunteerDir ?? join(REPO_ROOT, 'apps/volunteer/dist'), name: 'volunteer' };
  http.on('request', (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname.startsWith('/socket.io/')) return;
    if (pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        ok: true, role: 'worker', worker: name, backend: selection.backend, protocolVersion: PROTOCOL_VERSION, run: current?.runId ?? null, volunteersOnline: clientOf.size,
      }));
      return;
    }
    if (!serveStatic(volunteerApp, req, res, pathname)) res.writeHead(404).end();
  });
  const listening = await listen(http, options.port, options.host);
  const { port } = listening;
  url = listening.url;

  tell({ kind: 'hello', worker: name, url });
  const timers = [
    setInterval(() => {
      if (traffic.size === 0) return;
      tell({ kind: 'traffic', worker: name, sockets: [...traffic].map(([id, [up, down]]) => [id, up, down]) });
      traffic.clear();
    }, 1000),
    setInterval(() => {
      if (current !== null) tell({ kind: 'load', worker: name, busyMs: current.queue.busyMs });
    }, 1000),
  ];
  await sync().catch((error: Error) => warn(`could not load the current run: ${error.message}`));
  log.info(`split worker ${name} listening on ${url}, coordinated through ${options.redisUrl}`);

  let stopped = false;
  const stop = async (graceful: boolean) => {
    if (stopped) return;
    stopped = true;
    timers.forEach(clearInterval);
    stopReading();
    reader.disconnect(); // it is blocked in XREAD
    if (!graceful) {
      // As a crash: the coordinator hears nothing more, volunteers see their transport drop (no goodbye).
      cmd.disconnect();
      for (const socket of rawSockets) socket.destroy();
    }
    await new Promise<void>((r) => io.close(() => r()));
    await Promise.all(connections.map((r) => (r.status === 'ready' ? r.quit().catch(() => r.disconnect()) : r.disconnect())));
    if (http.listening) await new Promise<void>((r) => http.close(() => r()));
    await current?.dispose();
  };
  return {
    name, url, port, backend: selection.backend, http, run: () => current, volunteers: () => clientOf,
    close: () => stop(true),
    crash: () => stop(false),
  };
}
