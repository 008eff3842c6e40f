// A split worker's volunteer namespace ("/"): the same events as a single server's, but what the round machine
// decides (join, ready, update) is asked of the coordinator, while the model download and the training steps are
// served here, on this worker's server split.
import {
  type ClientToServerEvents, PROTOCOL_VERSION, ProtocolError, type ServerToClientEvents, VOLUNTEER_REQUESTS, type VolunteerRequests,
} from '@splitlora/protocol';
import type { Namespace } from 'socket.io';
import type { RateLimiter } from '../clients/rate-limiter.js';
import type { Logger } from '../log.js';
import { meterSocket, type NamespaceContext, on, rejectUnknownEvents } from '../sockets/handle.js';
import type { JoinReply } from './worker.js';
import type { WorkerRequest, WorkerToCoordinator } from './scale-messages.js';
import type { WorkerRun } from './worker-run.js';

export interface WorkerVolunteerDeps {
  logger: Logger;
  limiter: RateLimiter;
  backend: string;
  /** Forwards a request to the coordinator and waits for its answer (a ProtocolError when it refuses). */
  ask(socketId: string, request: WorkerRequest): Promise<unknown>;
  tell(message: WorkerToCoordinator): void;
  worker: string;
  /** The worker's copy of run `runId` (loaded on demand), or a NO_RUN error. */
  run(runId: string): Promise<WorkerRun>;
  current(): WorkerRun | null;
  /** Stores an uploaded adapter for the coordinator; returns its key. */
  stashUpdate(runId: string, round: number, clientId: string, adapter: unknown): Promise<string>;
  traffic(socketId: string, up: number, down: number): void;
}

export function attachWorkerVolunteers(nsp: Namespace<ClientToServerEvents, ServerToClientEvents>, deps: WorkerVolunteerDeps): Map<string, string> {
  const clientOf = new Map<string, string>();
  const ctx: NamespaceContext<VolunteerRequests> = { requests: VOLUNTEER_REQUESTS, logger: deps.logger, limiter: deps.limiter, rateKey: (id) => clientOf.get(id) ?? id };
  nsp.on('connection', (socket) => {
    meterSocket(socket, (up, down) => deps.traffic(socket.id, up, down));
    rejectUnknownEvents(socket, ctx);
    const joined = (): string => {
      const id = clientOf.get(socket.id);
      if (id === undefined) throw new ProtocolError('NOT_JOINED', 'send session:join first');
      return id;
    };

    on(socket, 'session:join', ctx, async (req) => {
      if (req.protocolVersion !== PROTOCOL_VERSION) {
        throw new ProtocolError('PROTOCOL_VERSION', `the server speaks protocol ${PROTOCOL_VERSION}, this client ${req.protocolVersion}; reload the page`);
      }
      const reply = await deps.ask(socket.id, { op: 'join', backend: req.backend, name: req.name, resumeToken: req.resumeToken }) as JoinReply;
      clientOf.set(socket.id, reply.clientId);
      return { clientId: reply.clientId, resumeToken: reply.resumeToken, resumed: reply.resumed, server: { protocolVersion: PROTOCOL_VERSION, backend: deps.backend }, run: reply.run };
    });

    on(socket, 'model:manifest', ctx, async (req) => {
      joined();
      deps.tell({ kind: 'status', worker: deps.worker, socketId: socket.id, state: 'downloading', tokensPerSecond: 0 });
      return (await deps.run(req.runId)).manifest();
    });

    on(socket, 'asset:chunk', ctx, (req) => {
      joined();
      const data = deps.current()?.chunk(req.hash, req.index) ?? null;
      if (data === null) throw new ProtocolError('NOT_FOUND', `no chunk ${req.index} of asset ${req.hash.slice(0, 12)}…`);
      return { hash: req.hash, index: req.index, data };
    });

    on(socket, 'round:ready', ctx, async (req) => {
      joined();
      await deps.run(req.runId);
      return await deps.ask(socket.id, { op: 'ready', runId: req.runId }) as { queued: boolean };
    });

    on(socket, 'train:activations', ctx, async (req) => (await deps.run(req.stamp.runId)).activations(joined(), req));

    // The u-shaped exchanges are served by a single server only: a worker's split has no u-shaped step service.
    const noUShaped = (): never => {
      throw new ProtocolError('BAD_REQUEST', 'u-shaped runs are not served by scale-out workers; start the server with one process (no --server-processes) for the u-shaped layout');
    };
    on(socket, 'ushaped:forward', ctx, noUShaped);
    on(socket, 'ushaped:backward', ctx, noUShaped);
    on(socket, 'ushaped:eval', ctx, noUShaped);

    on(socket, 'round:update', ctx, async (req) => {
      const clientId = joined();
      const run = await deps.run(req.stamp.runId);
      const adapterKey = await deps.stashUpdate(req.stamp.runId, req.stamp.round, clientId, req.adapter);
      const reply = await deps.ask(socket.id, {
        op: 'update', stamp: req.stamp, tokens: req.tokens, seconds: req.seconds, adapterKey,
        ...(req.meanLoss === undefined ? {} : { meanLoss: req.meanLoss }), ...(req.heldOut === undefined ? {} : { heldOut: req.heldOut }),
      }) as { round: number; accepted: true };
      run.reported(clientId);
      return reply;
    });

    on(socket, 'client:status', ctx, (req) => {
      joined();
      deps.tell({ kind: 'status', worker: deps.worker, socketId: socket.id, state: req.state, tokensPerSecond: req.tokensPerSecond });
      return {};
    });

    on(socket, 'session:leave', ctx, () => {
      deps.logger.info(`${joined()} left`);
      setTimeout(() => socket.disconnect(true), 50);
      return {};
    });

    socket.on('disconnect', () => {
      const clientId = clientOf.get(socket.id);
      clientOf.delete(socket.id);
      deps.limiter.forget(socket.id);
      if (clientId !== undefined) deps.current()?.gone(clientId);
      deps.tell({ kind: 'gone', worker: deps.worker, socketId: socket.id });
    });
  });
  return clientOf;
}
