// createServer(options): the HTTP server (pages, health, API) and socket.io with the volunteer and admin
// namespaces, around one RunHost. Tests start it on port 0.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ComputeDevice, findDataDir, type NodeBackendChoice, readTokenizerFiles, selectNodeBackend } from '@splitlora/node';
import {
  type AdminClientToServerEvents, type AdminServerToClientEvents, type ClientToServerEvents, DEFAULT_MAX_MESSAGE_BYTES, EMBEDDED_MODEL_NAMES, NAMESPACES,
  type LogEntry, MODEL_PRESET_NAMES, type ServerToClientEvents,
} from '@splitlora/protocol';
import { type Namespace, Server as SocketServer } from 'socket.io';
import { ClientRegistry } from './clients/client-registry.js';
import { DEFAULT_RATE_LIMIT, type RateLimit, RateLimiter } from './clients/rate-limiter.js';
import { handleApi } from './http/routes.js';
import { serveStatic } from './http/static-files.js';
import { createLogger, type LogSink, stderrSink } from './log.js';
import { listHfModels } from './run/model-source.js';
import { RunHost } from './run/run-host.js';
import { RoundEvaluations } from './eval/round-evaluations.js';
import type { RunNotifier } from './run/run-deps.js';
import { adminSnapshot, attachAdminNamespace } from './sockets/admin-namespace.js';
import { attachVolunteerNamespace } from './sockets/volunteer-namespace.js';

/** How long a volunteer may go without answering a heartbeat: a tab busy with a long step must not be dropped. */
const HEARTBEAT_TIMEOUT_MS = 60_000;

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

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
  /** Built pages to serve; default apps/volunteer/dist at / and apps/admin/dist at /admin/. */
  volunteerDir?: string;
  adminDir?: string;
  quiet?: boolean;
  logSinks?: LogSink[];
  /** A run folder to continue (after a crash) before accepting connections; the run starts right away. */
  resumeDir?: string;
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
  close(): Promise<void>;
}

/** Eval/data files the admin may pick: CSV, JSONL and text files inside the data folder. */
function listDataFiles(dataDir: string | null): string[] {
  if (dataDir === null || !existsSync(dataDir)) return [];
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (depth < 2) walk(path, depth + 1);
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
  const registry = new ClientRegistry();
  const limiter = new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);

  const http = createHttpServer();
  const io = new SocketServer<ListenEvents, EmitEvents>(http, {
    maxHttpBufferSize: maxMessageBytes, pingTimeout: HEARTBEAT_TIMEOUT_MS, pingInterval: 10_000, cors: { origin: true },
  });
  const volunteers: Namespace<ClientToServerEvents, ServerToClientEvents> = io.of(NAMESPACES.volunteer);
  const admins: Namespace<AdminClientToServerEvents, AdminServerToClientEvents> = io.of(NAMESPACES.admin);

  let host: RunHost;
  const pushSwarm = throttle(() => volunteers.emit('swarm:info', { volunteersOnline: registry.online(), participants: host.current?.participantIds().size ?? 0 }), 200);
  const pushAdmin = throttle(() => {
    if (admins.sockets.size === 0) return;
    admins.emit('admin:run', host.current?.snapshot() ?? null);
    admins.emit('admin:clients', registry.list(host.current?.participantIds() ?? new Set()));
  }, 250);
  const notify: RunNotifier = {
    roundStart(clientId, msg) {
      const socketId = registry.get(clientId)?.socketId;
      if (socketId) volunteers.to(socketId).emit('round:start', msg);
    },
    runState(info) {
      volunteers.emit('run:state', info);
      pushAdmin();
    },
    roundEnd(record, more) {
      volunteers.emit('round:end', { runId: record.runId, round: record.round, trainLoss: record.trainLoss, evalLoss: record.evalLoss, participants: record.clients, more });
    },
    metric(record) {
      admins.emit('admin:metric', record);
    },
    changed() {
      pushAdmin();
      pushSwarm();
    },
  };
  host = new RunHost({ runsDir, modelsDir, dataDir, maxMessageBytes, registry, logger: logger.child('run'), notify });
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

  const handlerCtx = { logger, limiter };
  attachVolunteerNamespace(volunteers, { ...handlerCtx, registry, host, backend: selection.backend, onSwarmChange: () => { pushSwarm(); pushAdmin(); } });
  const evaluations = new RoundEvaluations({ modelsDir, dataDir, logger: logger.child('run'), onChange: (record) => admins.emit('admin:evaluation', record) });
  const adminDeps = {
    ...handlerCtx, token: adminToken, registry, host, backend: selection.backend, device: selection.device, evaluations,
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
    host, backend: selection.backend, device: selection.device, startedAt, volunteersOnline: () => registry.online(),
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

  await new Promise<void>((resolveListen, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolveListen());
  });
  const port = (http.address() as AddressInfo).port;
  const shownHost = options.host === undefined || options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  const url = `http://${shownHost}:${port}`;
  logger.info(`listening on ${url} (volunteer page at /, admin at /admin/)`);

  return {
    url, port, adminToken, backend: selection.backend, backendDetail: selection.detail, device: selection.device, host, registry, http, io,
    async close() {
      clearInterval(clientsTimer);
      await evaluations.dispose();
      await host.dispose();
      await new Promise<void>((r) => io.close(() => r()));
      if (http.listening) await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
