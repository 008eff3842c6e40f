// The coordinator's side of volunteers connected to its workers: what the volunteer namespace does for its own
// sockets (join, ready, update, status, leave), done for a worker's socket from the messages it forwards, plus the
// steps the workers trained. The registry and the run are the coordinator's; each socket remembers its worker.
import { type FrameBundle, PROTOCOL_VERSION, ProtocolError } from '@splitlora/protocol';
import type { Redis } from 'ioredis';
import type { ClientRecord } from '../clients/client-registry.js';
import type { Logger } from '../log.js';
import type { SplitLoraServer } from '../server.js';
import { applyStatus } from '../sockets/volunteer-namespace.js';
import { decode } from './redis-bus.js';
import type { WorkerRequest, WorkerToCoordinator } from './scale-messages.js';

export class RemoteVolunteers {
  /** Which worker holds each volunteer socket. */
  private readonly owner = new Map<string, string>();

  constructor(private readonly server: SplitLoraServer, private readonly redis: Redis, private readonly log: Logger) {}

  /** Answers one forwarded request (errors are ProtocolErrors with the code the volunteer gets). */
  async request(worker: string, socketId: string, req: WorkerRequest): Promise<unknown> {
    const { registry, host } = this.server;
    switch (req.op) {
      case 'join': {
        const { record, resumed } = registry.join(socketId, req.backend, req.name, req.resumeToken, Date.now());
        this.owner.set(socketId, worker);
        this.log.info(`${record.id} ${resumed ? 'rejoined' : 'joined'} through worker ${worker} (${record.backend})`);
        this.server.swarmChanged();
        return { clientId: record.id, resumeToken: record.resumeToken, resumed, protocolVersion: PROTOCOL_VERSION, run: host.current?.info() ?? null };
      }
      case 'ready': {
        const record = this.joined(socketId);
        const run = host.get(req.runId);
        record.state = 'ready';
        run.clientReady(record.id);
        return { queued: !run.participantIds().has(record.id) };
      }
      case 'update': {
        const record = this.joined(socketId);
        const bytes = await this.redis.getBuffer(req.adapterKey);
        if (bytes === null) throw new ProtocolError('UNAVAILABLE', 'the uploaded adapter expired before the coordinator read it; send the update again');
        await this.redis.del(req.adapterKey);
        const adapter = decode<FrameBundle>(bytes);
        return host.require().update(record.id, {
          stamp: req.stamp, tokens: req.tokens, seconds: req.seconds, adapter,
          ...(req.meanLoss === undefined ? {} : { meanLoss: req.meanLoss }), ...(req.heldOut === undefined ? {} : { heldOut: req.heldOut }),
        });
      }
    }
  }

  /** A message that needs no answer. */
  event(message: Exclude<WorkerToCoordinator, { kind: 'request' | 'serverCopy' | 'hello' }>): void {
    const { registry, host } = this.server;
    switch (message.kind) {
      case 'step': {
        const run = host.current;
        if (run === null || run.runId !== message.runId || !run.remoteStep(message.clientId, message.round, message.step, message.loss, message.tokens)) {
          this.log.warn(`worker ${message.worker}: step ${message.step} of ${message.clientId} in round ${message.round} no longer counts (the run moved on)`);
        }
        break;
      }
      case 'status': {
        const record = registry.bySocket(message.socketId);
        if (record !== undefined) applyStatus(record, message);
        break;
      }
      case 'gone':
        this.gone(message.socketId, 'disconnected');
        break;
      case 'traffic':
        for (const [socketId, up, down] of message.sockets) registry.traffic(socketId, up, down);
        break;
    }
  }

  /** A worker died: its volunteers count as disconnected (they may come back through another worker). */
  workerLost(worker: string): void {
    for (const [socketId, w] of [...this.owner]) if (w === worker) this.gone(socketId, `worker ${worker} is gone`);
  }

  private gone(socketId: string, reason: string): void {
    this.owner.delete(socketId);
    const record = this.server.registry.disconnected(socketId, Date.now());
    if (record !== undefined && record.socketId === null) {
      this.log.info(`${record.id} disconnected (${reason})`);
      this.server.host.current?.clientGone(record.id);
    }
    this.server.swarmChanged();
  }

  private joined(socketId: string): ClientRecord {
    const record = this.server.registry.bySocket(socketId);
    if (record === undefined) throw new ProtocolError('NOT_JOINED', 'send session:join first');
    record.lastSeen = Date.now();
    return record;
  }
}
