// The admin namespace ("/admin"), behind a token: create and control runs, watch clients and metrics,
// download adapters, and generate text with the current adapters.
import {
  type AdminClientToServerEvents, type AdminServerToClientEvents, type AdminSnapshot, ADMIN_REQUESTS, type AdminRequests, type LogEntry, PROTOCOL_VERSION,
  ProtocolError, type RunSnapshot,
} from '@splitlora/protocol';
import type { ComputeDevice } from '@splitlora/node';
import type { Namespace, Socket } from 'socket.io';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { RoundEvaluations } from '../eval/round-evaluations.js';
import type { Run } from '../run/run.js';
import type { RunHistory } from '../run/run-history.js';
import type { RunHost } from '../run/run-host.js';
import { type NamespaceContext, on, rejectUnknownEvents } from './handle.js';

type AdminContext = NamespaceContext<AdminRequests>;

export interface AdminNamespaceDeps extends Omit<AdminContext, 'requests' | 'rateKey'> {
  /** Admits a dashboard's connection (token, origin, throttled wrong attempts) or refuses it. */
  admit: (socket: Socket, next: (error?: Error) => void) => void;
  registry: ClientRegistry;
  host: RunHost;
  /** The runs folder's earlier runs (metrics and adapters from disk). */
  history: RunHistory;
  backend: string;
  device: ComputeDevice;
  models: () => string[];
  dataFiles: () => string[];
  logs: () => LogEntry[];
  evaluations: RoundEvaluations;
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
  nsp.use(deps.admit);
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
    const isCurrent = (runId: string) => host.current?.runId === runId;
    on(socket, 'runs:list', ctx, () => deps.history.list(host.current?.runId ?? null));
    on(socket, 'metrics:history', ctx, (req) => (isCurrent(req.runId) ? host.get(req.runId).metricHistory() : deps.history.metrics(req.runId)));
    on(socket, 'adapter:download', ctx, async (req) => {
      const files = isCurrent(req.runId)
        ? await host.get(req.runId).adapterFiles(req.round, req.which)
        : await deps.history.adapterFiles(req.runId, req.round, req.which);
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
