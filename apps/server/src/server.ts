// createServer(options): the HTTP server (pages, health, API) and socket.io with the volunteer and admin
// namespaces, around one RunHost. Tests start it on port 0.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ComputeDevice, findDataDir, type NodeBackendChoice, readTokenizerFiles, selectNodeBackend } from '@splitlora/node';
import {
  type AdminClientToServerEvents, type AdminServerToClientEvents, type ClientToServerEvents, DEFAULT_MAX_MESSAGE_BYTES, EMBEDDED_MODEL_NAMES, NAMESPACES,
  type LogEntry, MODEL_PRESET_NAMES, type RoundStart, type RunConfig, type RunInfo, type ServerToClientEvents,
} from '@splitlora/protocol';
import { type Namespace, type ServerOptions as ServerOptionsOfSocketIo, Server as SocketServer } from 'socket.io';
import { AccessGuard, type AccessOptions } from './access/access-guard.js';
import { ClientRegistry } from './clients/client-registry.js';
import { DEFAULT_RATE_LIMIT, type RateLimit, RateLimiter } from './clients/rate-limiter.js';
import { listen } from './http/listen.js';
import { handleApi } from './http/routes.js';
import { serveStatic } from './http/static-files.js';
import { createLogger, type LogSink, stderrSink } from './log.js';
import { listHfModels } from './run/model-source.js';
import { RunHistory } from './run/run-history.js';
import { RunHost } from './run/run-host.js';
import { RoundEvaluations } from './eval/round-evaluations.js';
import type { RunDeps, RunNotifier } from './run/run-deps.js';
import { adminSnapshot, attachAdminNamespace } from './sockets/admin-namespace.js';
import { type EngineConnection, guardMessageBytes } from './sockets/message-size-guard.js';
import { attachVolunteerNamespace } from './sockets/volunteer-namespace.js';

/** How long a volunteer may go without answering a heartbeat: a tab busy with a long step must not be dropped. */
const HEARTBEAT_TIMEOUT_MS = 60_000;

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ServerOptions {
  port?: number;
  host?: string;
  /** Token of the admin namespace; a random one is made (and returned) when absent. */
  adminToken?: string;
  backend?: NodeBackendChoice;
  runsDir?: string;
  modelsDir?: string;
  dataDir?: string;
  /** socket.io's maxHttpBufferSize: no legitimate message is larger. */
  maxMessageBytes?: number;
  rateLimit?: RateLimit;
  /** Most volunteer sessions online from one address (default DEFAULT_SESSIONS_PER_ADDRESS). */
  maxSessionsPerAddress?: number;
  /** Built pages to serve; default apps/volunteer/dist at / and apps/admin/dist at /admin/. */
  volunteerDir?: string;
  adminDir?: string;
  quiet?: boolean;
  logSinks?: LogSink[];
  /** A run folder to continue (after a crash) before accepting connections; the run starts right away. */
  resumeDir?: string;
  /** PEM certificate and key: serve HTTPS and WSS instead of HTTP and WS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Allowed origins, invite token, per-address limits (see AccessOptions). */
  access?: AccessOptions;
  /** Scale-out coordinator hooks (src/scale/): absent in the single-process default. */
  coordinator?: CoordinatorHooks;
}

/** How a coordinator differs from a single process: broadcasts through Redis, steps and round starts on its workers. */
export interface CoordinatorHooks {
  socketAdapter: NonNullable<Partial<ServerOptionsOfSocketIo>['adapter']>;
  serverAdapterPolicy: NonNullable<RunDeps['serverAdapterPolicy']>;
  /** Delivers a participant's round:start through the worker that holds its socket. */
  roundStart(clientId: string, msg: RoundStart): void;
  /** The run's public state changed (its workers follow). */
  runState(info: RunInfo): void;
  /** Why a volunteer that connects to the coordinator itself is turned away. */
  refuseVolunteers: string;
  /** Why the workers cannot serve a run config (refused at run:create and --resume), else null. */
  refuseRun(config: RunConfig): string | null;
}

/** One socket.io server for both audiences of the event table; each namespace is then typed with its own events. */
type ListenEvents = ClientToServerEvents & AdminClientToServerEvents;
type EmitEvents = ServerToClientEvents & AdminServerToClientEvents;
type EventServer = SocketServer<ListenEvents, EmitEvents>;

export interface SplitLoraServer {
  url: string;
  port: number;
  adminToken: string;
  backend: string;
  backendDetail: string;
  /** What the backend computes on (the WebGPU adapter, a CUDA GPU, the CPU). */
  device: ComputeDevice;
  host: RunHost;
  registry: ClientRegistry;
  http: HttpServer;
  io: EventServer;
  /** Pushes the volunteer count and the dashboards' view soon (throttled). */
  swarmChanged(): void;
  close(): Promise<void>;
}

/** Folders of the data folder that hold no evaluation data (the tokenizer's vocabulary and merges). */
const NOT_DATA_DIRS = new Set(['gpt2-tokenizer', 'tokenizer']);

/** Eval/data files the admin may pick: CSV, JSONL and text files inside the data folder, tokenizer files excepted. */
export function listDataFiles(dataDir: string | null): string[] {
  if (dataDir === null || !existsSync(dataDir)) return [];
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (depth < 2 && !NOT_DATA_DIRS.has(entry)) walk(path, depth + 1);
      } else if (/\.(csv|jsonl|txt|md)$/i.test(entry) && entry !== 'README.md') out.push(relative(dataDir, path));
    }
  };
  walk(dataDir, 0);
  return out.sort();
}

function throttle(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
}

export async function createServer(options: ServerOptions = {}): Promise<SplitLoraServer> {
  const startedAt = Date.now();
  const adminSink: LogSink[] = [];
  const logger = createLogger('server', [...(options.logSinks ?? [stderrSink({ quiet: options.quiet })]), { write: (r) => adminSink.forEach((s) => s.write(r)) }]);
  const selection = await selectNodeBackend(options.backend ?? 'auto');
  logger.info(`tfjs backend: ${selection.backend} — ${selection.detail}`);
  const adminToken = options.adminToken ?? randomBytes(12).toString('hex');
  const dataDir = findDataDir(options.dataDir);
  if (dataDir === null) logger.warn('no data folder (SPLITLORA_DATA_DIR): runs cannot tokenize or evaluate until one is given');
  const modelsDir = resolve(options.modelsDir ?? join(REPO_ROOT, 'models'));
  const runsDir = resolve(options.runsDir ?? join(REPO_ROOT, 'runs'));
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const registry = new ClientRegistry(options.maxSessionsPerAddress);
  const limiter = new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);

  // The current run's invite joins the server's own (--invite-token); `host` is set below, before any connection.
  const guard = new AccessGuard({ ...options.access, runInvite: () => host.current?.invite ?? null }, logger.child('access'));
  const http: HttpServer = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }) : createHttpServer();
  const io = new SocketServer<ListenEvents, EmitEvents>(http, {
    maxHttpBufferSize: maxMessageBytes, pingTimeout: HEARTBEAT_TIMEOUT_MS, pingInterval: 10_000,
    cors: { origin: guard.corsOrigins }, allowRequest: guard.allowRequest,
    ...(options.coordinator ? { adapter: options.coordinator.socketAdapter } : {}),
  });
  io.engine.on('connection', (conn: { request: IncomingMessage; once(event: 'close', fn: () => void): unknown }) => guard.track(conn.request, conn));
  const coordinator = options.coordinator;
  const volunteers: Namespace<ClientToServerEvents, ServerToClientEvents> = io.of(NAMESPACES.volunteer);
  const admins: Namespace<AdminClientToServerEvents, AdminServerToClientEvents> = io.of(NAMESPACES.admin);

  let host: RunHost;
  let closed = false; // throttled pushes that fire after close() send nothing (a Redis adapter is gone by then)
  const pushSwarm = throttle(() => {
    if (!closed) volunteers.emit('swarm:info', { volunteersOnline: registry.online(), participants: host.current?.participantIds().size ?? 0 });
  }, 200);
  const pushAdmin = throttle(() => {
    if (closed || admins.sockets.size === 0) return;
    admins.emit('admin:run', host.current?.snapshot() ?? null);
    admins.emit('admin:clients', registry.list(host.current?.participantIds() ?? new Set()));
  }, 250);
  const notify: RunNotifier = {
    roundStart(clientId, msg) {
      if (coordinator) return coordinator.roundStart(clientId, msg);
      const socketId = registry.get(clientId)?.socketId;
      if (socketId) volunteers.to(socketId).emit('round:start', msg);
    },
    runState(info) {
      coordinator?.runState(info);
      // A run that takes volunteers by invitation: connections made without its invite close (the page reconnects
      // and is refused with the sentence that asks for the link).
      if (!coordinator) for (const socket of volunteers.sockets.values()) if (!guard.inviteAccepted(socket)) socket.conn.close();
      volunteers.emit('run:state', info);
      pushAdmin();
    },
    roundEnd(record, more) {
      volunteers.emit('round:end', { runId: record.runId, round: record.round, trainLoss: record.trainLoss, evalLoss: record.evalLoss, participants: record.clients, more });
    },
    turn(clientId, notice) {
      // Through the socket adapter, so a scale-out coordinator reaches the worker holding the socket too.
      const socketId = registry.get(clientId)?.socketId;
      if (socketId) volunteers.to(socketId).emit('round:turn', notice);
    },
    metric(record) {
      admins.emit('admin:metric', record);
    },
    secagg(clientId, push) {
      const socketId = registry.get(clientId)?.socketId;
      if (!socketId) return;
      const to = volunteers.to(socketId);
      switch (push.event) {
        case 'secagg:keys': to.emit(push.event, push.message); break;
        case 'secagg:relayed-shares': to.emit(push.event, push.message); break;
        case 'secagg:unmask-request': to.emit(push.event, push.message); break;
        case 'secagg:abort': to.emit(push.event, push.message); break;
      }
    },
    changed() {
      pushAdmin();
      pushSwarm();
    },
  };
  host = new RunHost({ runsDir, modelsDir, dataDir, maxMessageBytes, registry, logger: logger.child('run'), notify, serverAdapterPolicy: coordinator?.serverAdapterPolicy, ...(coordinator ? { refuseRun: (config: RunConfig) => coordinator.refuseRun(config) } : {}) });
  // The dashboard's log: warnings, errors and run events, the latest kept for late-coming dashboards.
  const recentLogs: LogEntry[] = [];
  adminSink.push({
    write: (r) => {
      if (r.level === 'info' && !r.ns.startsWith('server:run')) return;
      const entry: LogEntry = { time: r.time, level: r.level, message: r.message };
      recentLogs.push(entry);
      if (recentLogs.length > 200) recentLogs.shift();
      if (admins.sockets.size > 0) admins.emit('admin:log', entry);
    },
  });

  // A message's binary attachments count towards the limit: the connection that sends more is told and closed.
  io.engine.on('connection', (conn: EngineConnection) => guardMessageBytes(conn, maxMessageBytes, (bytes) => {
    logger.warn(`closed a connection whose message of ${bytes}+ bytes exceeds the limit of ${maxMessageBytes}`);
    const message = `a message of ${bytes}+ bytes (binary parts included) exceeds the server's limit of ${maxMessageBytes} bytes; the connection is closed`;
    for (const nsp of [volunteers, admins] as Namespace[]) {
      for (const socket of nsp.sockets.values()) if ((socket.conn as unknown) === conn) socket.emit('protocol:error', { code: 'TOO_LARGE', message, event: '(message)' });
    }
  }));

  const handlerCtx = { logger, limiter };
  const swarmChanged = () => { pushSwarm(); pushAdmin(); };
  if (coordinator) volunteers.use((_socket, next) => next(new Error(coordinator.refuseVolunteers)));
  else {
    volunteers.use(guard.volunteerMiddleware);
    attachVolunteerNamespace(volunteers, {
      ...handlerCtx, registry, host, backend: selection.backend, onSwarmChange: swarmChanged,
      joinRefusal: (address) => guard.joinRefusal(address), addressOf: (request) => guard.addressOf(request),
    });
  }
  const evaluations = new RoundEvaluations({ modelsDir, dataDir, logger: logger.child('run'), onChange: (record) => admins.emit('admin:evaluation', record) });
  const adminDeps = {
    ...handlerCtx, admit: guard.adminMiddleware(adminToken), registry, host, history: new RunHistory(runsDir), backend: selection.backend, device: selection.device, evaluations,
    models: () => [...EMBEDDED_MODEL_NAMES, ...MODEL_PRESET_NAMES, ...listHfModels(modelsDir)],
    dataFiles: () => listDataFiles(dataDir),
    logs: () => [...recentLogs],
  };
  attachAdminNamespace(admins, adminDeps);
  admins.on('connection', (socket) => socket.emit('admin:run', adminSnapshot(adminDeps).run));
  const clientsTimer = setInterval(() => {
    registry.prune(Date.now(), 60 * 60 * 1000);
    if (admins.sockets.size > 0) admins.emit('admin:clients', registry.list(host.current?.participantIds() ?? new Set()));
  }, 1000);

  let tokenizerCache: Uint8Array | null = null;
  const routes = {
    host, backend: selection.backend, device: selection.device, startedAt, volunteersOnline: () => registry.online(), inviteRequired: () => guard.inviteRequired,
    connectionCheck: (req: IncomingMessage) => guard.connectionCheck(req),
    tokenizerJson: async () => {
      if (tokenizerCache === null && dataDir !== null) tokenizerCache = new TextEncoder().encode(JSON.stringify(await readTokenizerFiles(join(dataDir, 'gpt2-tokenizer'))));
      return tokenizerCache;
    },
  };
  const apps = [
    { prefix: '/admin/', dir: options.adminDir ?? join(REPO_ROOT, 'apps/admin/dist'), name: 'admin' },
    { prefix: '/', dir: options.volunteerDir ?? join(REPO_ROOT, 'apps/volunteer/dist'), name: 'volunteer' },
  ];
  http.on('request', (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname.startsWith('/socket.io/')) return; // socket.io answers these
    handleApi(routes, req, res, pathname)
      .then((handled) => {
        if (handled) return;
        for (const app of apps) if (serveStatic(app, req, res, pathname)) return;
        res.writeHead(404).end();
      })
      .catch((error: Error) => {
        logger.error(`HTTP ${pathname} failed: ${error.message}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
  });

  if (options.resumeDir !== undefined) (await host.resume(options.resumeDir)).start();

  const listened = await listen(http, options.port, options.host);
  const port = listened.port;
  const url = options.tls ? listened.url.replace(/^http:/, 'https:') : listened.url;
  logger.info(`listening on ${url} (volunteer page at /, admin at /admin/)`);

  return {
    url, port, adminToken, backend: selection.backend, backendDetail: selection.detail, device: selection.device, host, registry, http, io, swarmChanged,
    async close() {
      closed = true;
      clearInterval(clientsTimer);
      guard.dispose();
      await evaluations.dispose();
      await host.dispose();
      await new Promise<void>((r) => io.close(() => r()));
      if (http.listening) await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
