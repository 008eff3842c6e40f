// The volunteer namespace ("/"): join, model download, readiness, training steps and round updates.
import {
  type ClientToServerEvents, VOLUNTEER_REQUESTS, type VolunteerRequests, PROTOCOL_VERSION, ProtocolError, SECAGG_CIPHERTEXT_BYTES, SECAGG_KEY_BYTES,
  type ServerToClientEvents, unpackBytes,
} from '@splitlora/protocol';
import type { IncomingMessage } from 'node:http';
import type { Namespace } from 'socket.io';
import type { ClientRecord, ClientRegistry } from '../clients/client-registry.js';
import type { RunHost } from '../run/run-host.js';
import { meterSocket, type NamespaceContext, on, rejectUnknownEvents } from './handle.js';

type VolunteerContext = NamespaceContext<VolunteerRequests>;

export interface VolunteerNamespaceDeps extends Omit<VolunteerContext, 'requests'> {
  registry: ClientRegistry;
  host: RunHost;
  backend: string;
  onSwarmChange: () => void;
  /** Null when a volunteer from `address` may join now, else why not (per-address join limit). */
  joinRefusal: (address: string) => string | null;
  addressOf: (request: IncomingMessage) => string;
}

/** What a volunteer's status report changes in its record (also for volunteers of a scale-out worker). */
export function applyStatus(record: ClientRecord, req: { state: 'idle' | 'downloading' | 'training' | 'paused'; tokensPerSecond: number }): void {
  record.tokensPerSecond = req.tokensPerSecond;
  if (req.state === 'paused') record.state = 'paused';
  else if (req.state === 'training') record.state = 'training';
  else if (req.state === 'downloading') record.state = 'downloading';
  else if (record.state === 'paused' || record.state === 'training') record.state = 'ready';
}

export function attachVolunteerNamespace(nsp: Namespace<ClientToServerEvents, ServerToClientEvents>, deps: VolunteerNamespaceDeps): void {
  const { registry, host } = deps;
  const ctx: VolunteerContext = {
    requests: VOLUNTEER_REQUESTS, logger: deps.logger, limiter: deps.limiter, rateKey: (id) => registry.bySocket(id)?.id ?? id,
  };
  nsp.on('connection', (socket) => {
    meterSocket(socket, (up, down) => registry.traffic(socket.id, up, down));
    rejectUnknownEvents(socket, ctx);
    const joined = (): ClientRecord => {
      const record = registry.bySocket(socket.id);
      if (record === undefined) throw new ProtocolError('NOT_JOINED', 'send session:join first');
      record.lastSeen = Date.now();
      return record;
    };

    on(socket, 'session:join', ctx, (req) => {
      if (req.protocolVersion !== PROTOCOL_VERSION) {
        throw new ProtocolError('PROTOCOL_VERSION', `the server speaks protocol ${PROTOCOL_VERSION}, this client ${req.protocolVersion}; reload the page`);
      }
      const tooMany = deps.joinRefusal(deps.addressOf(socket.request));
      if (tooMany !== null) throw new ProtocolError('RATE_LIMITED', tooMany);
      const { record, resumed } = registry.join(socket.id, req.backend, req.name, req.resumeToken, Date.now(), socket.handshake.address);
      deps.logger.info(`${record.id} ${resumed ? 'rejoined' : 'joined'} (${record.backend})`);
      deps.onSwarmChange();
      return {
        clientId: record.id, resumeToken: record.resumeToken, resumed, server: { protocolVersion: PROTOCOL_VERSION, backend: deps.backend },
        run: host.current?.info() ?? null,
      };
    });

    on(socket, 'model:manifest', ctx, (req) => {
      const record = joined();
      record.state = 'downloading';
      return host.get(req.runId).manifest();
    });

    on(socket, 'asset:chunk', ctx, (req) => {
      joined();
      const data = host.current?.chunk(req.hash, req.index) ?? null;
      if (data === null) throw new ProtocolError('NOT_FOUND', `no chunk ${req.index} of asset ${req.hash.slice(0, 12)}…`);
      return { hash: req.hash, index: req.index, data };
    });

    on(socket, 'round:ready', ctx, (req) => {
      const record = joined();
      const run = host.get(req.runId);
      record.state = 'ready';
      run.clientReady(record.id);
      return { queued: !run.participantIds().has(record.id) };
    });

    on(socket, 'train:activations', ctx, (req) => host.require().activations(joined().id, req));

    on(socket, 'ushaped:forward', ctx, (req) => host.require().cutForward(joined().id, req));

    on(socket, 'ushaped:backward', ctx, (req) => host.require().outputGradient(joined().id, req));

    on(socket, 'ushaped:eval', ctx, (req) => host.require().evalForward(joined().id, req));

    on(socket, 'train:local-step', ctx, (req) => host.require().localStep(joined().id, req));

    on(socket, 'round:update', ctx, (req) => host.require().update(joined().id, req));

    on(socket, 'secagg:advertise-keys', ctx, (req) => {
      const from = joined().id;
      return host.require().secagg(from, req.stamp, { type: 'advertise-keys', from, keys: { encryptionKey: req.encryptionKey, maskingKey: req.maskingKey } });
    });

    on(socket, 'secagg:share-keys', ctx, (req) => {
      const from = joined().id;
      const ciphertexts = unpackBytes(req.shares.packed, SECAGG_CIPHERTEXT_BYTES);
      return host.require().secagg(from, req.stamp, { type: 'share-keys', from, shares: req.shares.ids.map((to, i) => ({ to, ciphertext: ciphertexts[i]! })) });
    });

    on(socket, 'secagg:masked-input', ctx, (req) => host.require().maskedUpdate(joined().id, req));

    on(socket, 'secagg:unmask', ctx, (req) => {
      const from = joined().id;
      const shares = (list: typeof req.keyShares) => {
        const items = unpackBytes(list.packed, SECAGG_KEY_BYTES);
        return list.ids.map((of, i) => ({ of, share: items[i]! }));
      };
      return host.require().secagg(from, req.stamp, { type: 'unmask', from, selfMaskShares: shares(req.selfMaskShares), keyShares: shares(req.keyShares) });
    });

    on(socket, 'client:status', ctx, (req) => {
      applyStatus(joined(), req);
      return {};
    });

    on(socket, 'session:leave', ctx, () => {
      const record = joined();
      deps.logger.info(`${record.id} left`);
      setTimeout(() => socket.disconnect(true), 50);
      return {};
    });

    socket.on('disconnect', (reason) => {
      const record = registry.disconnected(socket.id, Date.now());
      deps.limiter.forget(socket.id);
      if (record !== undefined) {
        deps.logger.info(`${record.id} disconnected (${reason})`);
        host.current?.clientGone(record.id);
      }
      deps.onSwarmChange();
    });
  });
}
