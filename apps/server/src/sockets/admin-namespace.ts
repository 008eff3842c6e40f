// The admin namespace ("/admin"), behind a token: create and control runs, watch clients and metrics,
// download adapters, and generate text with the current adapters.
import { timingSafeEqual } from 'node:crypto';
import {
  type AdminClientToServerEvents, type AdminServerToClientEvents, type AdminSnapshot, ADMIN_REQUESTS, type AdminRequests, type LogEntry, PROTOCOL_VERSION,
  ProtocolError, type RunSnapshot,
} from '@splitlora/protocol';
import type { ComputeDevice } from '@splitlora/node';
import type { Namespace } from 'socket.io';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { RoundEvaluations } from '../eval/round-evaluations.js';
import type { Run } from '../run/run.js';
import type { RunHost } from '../run/run-host.js';
import { type NamespaceContext, on, rejectUnknownEvents } from './handle.js';

type AdminContext = NamespaceContext<AdminRequests>;

export interface AdminNamespaceDeps extends Omit<AdminContext, 'requests' | 'rateKey'> {
  token: string;
  registry: ClientRegistry;
  host: RunHost;
  backend: string;
  device: ComputeDevice;
  models: () => string[];
  dataFiles: () => string[];
  logs: () => LogEntry[];
  evaluations: RoundEvaluations;
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
  const ctx: AdminContext = { requests: ADMIN_REQUESTS, logger: deps.logger, limiter: deps.limiter };
  const { host } = deps;
  /** The run a control request names, after `act` changed its state. */
  const control = (runId: string, act: (run: Run) => void): RunSnapshot => {
    const run = host.get(runId);
    act(run);
    return run.snapshot();
  };
  nsp.on('connection', (socket) => {
    rejectUnknownEvents(socket, ctx);
    on(socket, 'admin:snapshot', ctx, () => adminSnapshot(deps));
    on(socket, 'run:create', ctx, async (config) => (await host.create(config)).snapshot());
    on(socket, 'run:start', ctx, (req) => control(req.runId, (run) => run.start()));
    on(socket, 'run:pause', ctx, (req) => control(req.runId, (run) => run.pause()));
    on(socket, 'run:resume', ctx, (req) => control(req.runId, (run) => run.resume()));
    on(socket, 'run:stop', ctx, (req) => control(req.runId, (run) => run.stop()));
    on(socket, 'clients:list', ctx, () => deps.registry.list(host.current?.participantIds() ?? new Set()));
    on(socket, 'metrics:history', ctx, (req) => host.get(req.runId).metricHistory());
    on(socket, 'adapter:download', ctx, async (req) => {
      const files = await host.get(req.runId).adapterFiles(req.round, req.which);
      return { round: req.round, which: req.which, files: Object.entries(files).map(([name, data]) => ({ name, data })) };
    });
    on(socket, 'round:evaluate', ctx, (req) => deps.evaluations.start(host.get(req.runId), req.round, req.samples));
    on(socket, 'evaluations:list', ctx, (req) => deps.evaluations.list(host.get(req.runId)));
    on(socket, 'generate', ctx, (req) => {
      const run = host.current;
      if (run === null) throw new ProtocolError('NO_RUN', 'there is no run; create one first');
      return run.generate(req);
    });
  });
}
