// Typed socket.io event maps of the volunteer namespace ("/") and the admin namespace ("/admin").
import type { AckCallback } from './error-codes.js';
import type { RunConfigInput } from './run-config.js';
import type {
  ActivationsRequest, ActivationsResponse, AdapterDownloadRequest, AdapterDownloadResponse, AdminSnapshot, ChunkRequest,
  ChunkResponse, ClientInfo, ClientManifest, GenerateRequest, GenerateResponse, JoinRequest, JoinResponse, LogEntry,
  MetricRecord, ProtocolErrorEvent, ReadyResponse, RoundEnd, RoundStart, RunInfo, RunSnapshot, StatusRequest, SwarmInfo,
  UpdateRequest, UpdateResponse,
} from './messages.js';

export interface ClientToServerEvents {
  'session:join': (req: JoinRequest, ack: AckCallback<JoinResponse>) => void;
  'model:manifest': (req: { runId: string }, ack: AckCallback<ClientManifest>) => void;
  'asset:chunk': (req: ChunkRequest, ack: AckCallback<ChunkResponse>) => void;
  'round:ready': (req: { runId: string }, ack: AckCallback<ReadyResponse>) => void;
  'train:activations': (req: ActivationsRequest, ack: AckCallback<ActivationsResponse>) => void;
  'round:update': (req: UpdateRequest, ack: AckCallback<UpdateResponse>) => void;
  'client:status': (req: StatusRequest, ack: AckCallback<Record<string, never>>) => void;
  'session:leave': (req: Record<string, never>, ack: AckCallback<Record<string, never>>) => void;
}

export interface ServerToClientEvents {
  'round:start': (msg: RoundStart) => void;
  'round:end': (msg: RoundEnd) => void;
  'run:state': (msg: RunInfo) => void;
  'swarm:info': (msg: SwarmInfo) => void;
  'protocol:error': (msg: ProtocolErrorEvent) => void;
}

export interface AdminClientToServerEvents {
  'admin:snapshot': (req: Record<string, never>, ack: AckCallback<AdminSnapshot>) => void;
  'run:create': (req: RunConfigInput, ack: AckCallback<RunSnapshot>) => void;
  'run:start': (req: { runId: string }, ack: AckCallback<RunSnapshot>) => void;
  'run:pause': (req: { runId: string }, ack: AckCallback<RunSnapshot>) => void;
  'run:resume': (req: { runId: string }, ack: AckCallback<RunSnapshot>) => void;
  'run:stop': (req: { runId: string }, ack: AckCallback<RunSnapshot>) => void;
  'clients:list': (req: Record<string, never>, ack: AckCallback<ClientInfo[]>) => void;
  'metrics:history': (req: { runId: string }, ack: AckCallback<MetricRecord[]>) => void;
  'adapter:download': (req: AdapterDownloadRequest, ack: AckCallback<AdapterDownloadResponse>) => void;
  'generate': (req: GenerateRequest, ack: AckCallback<GenerateResponse>) => void;
}

export interface AdminServerToClientEvents {
  'admin:run': (msg: RunSnapshot | null) => void;
  'admin:clients': (msg: ClientInfo[]) => void;
  'admin:metric': (msg: MetricRecord) => void;
  'admin:log': (msg: LogEntry) => void;
  'protocol:error': (msg: ProtocolErrorEvent) => void;
}

export const CLIENT_EVENTS = [
  'session:join', 'model:manifest', 'asset:chunk', 'round:ready', 'train:activations', 'round:update', 'client:status', 'session:leave',
] as const satisfies readonly (keyof ClientToServerEvents)[];

export const ADMIN_EVENTS = [
  'admin:snapshot', 'run:create', 'run:start', 'run:pause', 'run:resume', 'run:stop', 'clients:list', 'metrics:history',
  'adapter:download', 'generate',
] as const satisfies readonly (keyof AdminClientToServerEvents)[];

export const ADMIN_NAMESPACE = '/admin';
