// The admin namespace ("/admin"), behind a token: create and control runs, watch clients and metrics,
// download adapters, and generate text with the current adapters.
import { timingSafeEqual } from 'node:crypto';
import {
  ADMIN_EVENTS, adapterDownloadSchema, type AdminClientToServerEvents, type AdminServerToClientEvents, type AdminSnapshot,
  emptySchema, generateRequestSchema, type LogEntry, PROTOCOL_VERSION, ProtocolError, runConfigSchema, runIdRequestSchema,
} from '@splitlora/protocol';
import type { ComputeDevice } from '@splitlora/node';
import type { Namespace, Socket } from 'socket.io';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { RunHost } from '../run/run-host.js';
import { type HandlerContext, on, rejectUnknownEvents } from './handle.js';

export interface AdminNamespaceDeps extends HandlerContext {
  token: string;
  registry: ClientRegistry;
  host: RunHost;
  backend: string;
  device: ComputeDevice;
  models: () => string[];
  dataFiles: () => string[];
  logs: () => LogEntry[];
}

export function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function adminSnapshot(deps: AdminNamespaceDeps): AdminSnapshot {
  const run = deps.host.current;
  return {
    server: { protocolVersion: PROTOCOL_VERSION, backend: deps.backend, device: { kind: deps.device.kind, name: deps.device.name, fallback: deps.device.fallback }, models: deps.models(), dataFiles: deps.dataFiles(), time: Date.now() },
    run: run?.snapshot() ?? null,
    clients: deps.registry.list(run?.participantIds() ?? new Set()),
    metrics: run?.metricHistory() ?? [],
    logs: deps.logs(),
  };
}

export function attachAdminNamespace(nsp: Namespace<AdminClientToServerEvents, AdminServerToClientEvents>, deps: AdminNamespaceDeps): void {
  nsp.use((socket, next) => {
    const token = (socket.handshake.auth as Record<string, unknown> | undefined)?.['token'];
    if (tokenMatches(deps.token, token)) next();
    else {
      deps.logger.warn(`admin connection refused from ${socket.handshake.address}: wrong or missing token`);
      next(new Error('UNAUTHORIZED'));
    }
  });
  nsp.on('connection', (socket: Socket) => {
    rejectUnknownEvents(socket, ADMIN_EVENTS);
    const { host } = deps;
    on(socket, 'admin:snapshot', emptySchema, deps, () => adminSnapshot(deps));
    on(socket, 'run:create', runConfigSchema, deps, async (config) => (await host.create(config)).snapshot());
    const control = (event: string, act: (run: ReturnType<RunHost['get']>) => void) =>
      on(socket, event, runIdRequestSchema, deps, (req) => {
        const run = host.get(req.runId);
        act(run);
        return run.snapshot();
      });
    control('run:start', (run) => run.start());
    control('run:pause', (run) => run.pause());
    control('run:resume', (run) => run.resume());
    control('run:stop', (run) => run.stop());
    on(socket, 'clients:list', emptySchema, deps, () => deps.registry.list(host.current?.participantIds() ?? new Set()));
    on(socket, 'metrics:history', runIdRequestSchema, deps, (req) => host.get(req.runId).metricHistory());
    on(socket, 'adapter:download', adapterDownloadSchema, deps, async (req) => {
      const files = await host.get(req.runId).adapterFiles(req.round, req.which);
      return { round: req.round, which: req.which, files: Object.entries(files).map(([name, data]) => ({ name, data })) };
    });
    on(socket, 'generate', generateRequestSchema, deps, (req) => {
      const run = host.current;
      if (run === null) throw new ProtocolError('NO_RUN', 'there is no run; create one first');
      return run.generate(req);
    });
  });
}
