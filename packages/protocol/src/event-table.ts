// The one table of socket.io events: every request event with who sends it, its payload's zod schema and its
// reply's type, and every event the server pushes with who receives it and its message type. The typed event maps of socket.io,
// the event name lists, the server's `on` and the clients' `request` are all derived from it, so a new event is
// one entry here and the compiler finds every place that must handle it.
import type { z } from 'zod';
import {
  adapterDownloadSchema, type AdapterDownloadResponse, type AdminSnapshot, type ClientInfo, generateRequestSchema,
  type GenerateResponse, type LogEntry, type MetricRecord, type RunListEntry, type RunSnapshot,
} from './admin-messages.js';
import type { AckCallback } from './error-codes.js';
import { type RoundEvaluation, roundEvaluateSchema } from './evaluation-messages.js';
import { runConfigSchema } from './run-config.js';
import {
  type SecAggAbort, type SecAggAccepted, secaggAdvertiseSchema, type SecAggKeysMessage, secaggMaskedInputSchema, type SecAggRelayedShares,
  secaggShareKeysSchema, secaggUnmaskSchema, type SecAggUnmaskRequest,
} from './secagg-messages.js';
import type { TurnNotice } from './turn-messages.js';
import { emptySchema, type ProtocolErrorEvent, type RunInfo, runIdRequestSchema } from './shared-records.js';
import {
  activationsRequestSchema, type ActivationsResponse, chunkRequestSchema, type ChunkResponse, type ClientManifest, joinRequestSchema,
  type JoinResponse, localStepRequestSchema, type LocalStepResponse, type ReadyResponse, type RoundEnd, type RoundStart, statusRequestSchema, type SwarmInfo, updateRequestSchema,
  type UpdateResponse,
} from './volunteer-messages.js';
import {
  cutForwardRequestSchema, type CutForwardResponse, evalForwardRequestSchema, type EvalForwardResponse, outputGradientRequestSchema,
  type OutputGradientResponse,
} from './u-shaped-messages.js';

declare const TYPE_ONLY: unique symbol;

/** A type carried by the table without a runtime value (a reply or a pushed message: the server builds them). */
export interface TypeOnly<T> { readonly [TYPE_ONLY]?: T }

function typeOnly<T>(): TypeOnly<T> {
  return {};
}

/** Who is on the other end of the server: a volunteer (namespace "/") or a dashboard ("/admin", behind a token). */
export type Audience = 'volunteer' | 'admin';

/** Each audience's socket.io namespace. */
export const NAMESPACES: Readonly<Record<Audience, string>> = { volunteer: '/', admin: '/admin' };

/** A request of `from`: a payload `request` validates, answered through the ack with `reply`. */
export interface RequestSpec<A extends Audience = Audience, S extends z.ZodType = z.ZodType, R = unknown> {
  readonly kind: 'request';
  readonly from: A;
  readonly request: S;
  readonly reply: TypeOnly<R>;
}

/** A message the server pushes to the audiences `to`. */
export interface PushSpec<A extends Audience = Audience, M = unknown> {
  readonly kind: 'push';
  readonly to: readonly A[];
  readonly message: TypeOnly<M>;
}

const volunteerAsks = <S extends z.ZodType, R>(request: S, reply: TypeOnly<R>): RequestSpec<'volunteer', S, R> => ({ kind: 'request', from: 'volunteer', request, reply });
const dashboardAsks = <S extends z.ZodType, R>(request: S, reply: TypeOnly<R>): RequestSpec<'admin', S, R> => ({ kind: 'request', from: 'admin', request, reply });
const tell = <A extends Audience, M>(to: readonly A[], message: TypeOnly<M>): PushSpec<A, M> => ({ kind: 'push', to, message });

/** The reply of a request that only needs its acknowledgement. */
export type NoReply = Record<string, never>;

/**
 * Every event, in four groups: what a volunteer asks (join, download the client split, train, report), what a
 * dashboard asks (create and control runs, watch them, download adapters, generate), what the server pushes to
 * volunteers and to dashboards, and protocol:error, pushed to either when a message cannot be answered through its
 * ack (none given, or an unknown event).
 */
export const EVENT_TABLE = {
  'session:join': volunteerAsks(joinRequestSchema, typeOnly<JoinResponse>()),
  'model:manifest': volunteerAsks(runIdRequestSchema, typeOnly<ClientManifest>()),
  'asset:chunk': volunteerAsks(chunkRequestSchema, typeOnly<ChunkResponse>()),
  'round:ready': volunteerAsks(runIdRequestSchema, typeOnly<ReadyResponse>()),
  'train:activations': volunteerAsks(activationsRequestSchema, typeOnly<ActivationsResponse>()),
  'ushaped:forward': volunteerAsks(cutForwardRequestSchema, typeOnly<CutForwardResponse>()),
  'ushaped:backward': volunteerAsks(outputGradientRequestSchema, typeOnly<OutputGradientResponse>()),
  'ushaped:eval': volunteerAsks(evalForwardRequestSchema, typeOnly<EvalForwardResponse>()),
  'train:local-step': volunteerAsks(localStepRequestSchema, typeOnly<LocalStepResponse>()),
  'round:update': volunteerAsks(updateRequestSchema, typeOnly<UpdateResponse>()),
  'client:status': volunteerAsks(statusRequestSchema, typeOnly<NoReply>()),
  'session:leave': volunteerAsks(emptySchema, typeOnly<NoReply>()),
  'secagg:advertise-keys': volunteerAsks(secaggAdvertiseSchema, typeOnly<SecAggAccepted>()),
  'secagg:share-keys': volunteerAsks(secaggShareKeysSchema, typeOnly<SecAggAccepted>()),
  'secagg:masked-input': volunteerAsks(secaggMaskedInputSchema, typeOnly<UpdateResponse>()),
  'secagg:unmask': volunteerAsks(secaggUnmaskSchema, typeOnly<SecAggAccepted>()),
  'admin:snapshot': dashboardAsks(emptySchema, typeOnly<AdminSnapshot>()),
  'run:create': dashboardAsks(runConfigSchema, typeOnly<RunSnapshot>()),
  'run:start': dashboardAsks(runIdRequestSchema, typeOnly<RunSnapshot>()),
  'run:pause': dashboardAsks(runIdRequestSchema, typeOnly<RunSnapshot>()),
  'run:resume': dashboardAsks(runIdRequestSchema, typeOnly<RunSnapshot>()),
  'run:stop': dashboardAsks(runIdRequestSchema, typeOnly<RunSnapshot>()),
  'clients:list': dashboardAsks(emptySchema, typeOnly<ClientInfo[]>()),
  'metrics:history': dashboardAsks(runIdRequestSchema, typeOnly<MetricRecord[]>()),
  /** Every run folder, newest first: earlier runs stay browsable and downloadable after a new run started. */
  'runs:list': dashboardAsks(emptySchema, typeOnly<RunListEntry[]>()),
  'adapter:download': dashboardAsks(adapterDownloadSchema, typeOnly<AdapterDownloadResponse>()),
  'generate': dashboardAsks(generateRequestSchema, typeOnly<GenerateResponse>()),
  'round:evaluate': dashboardAsks(roundEvaluateSchema, typeOnly<RoundEvaluation>()),
  'evaluations:list': dashboardAsks(runIdRequestSchema, typeOnly<RoundEvaluation[]>()),
  'round:start': tell(['volunteer'], typeOnly<RoundStart>()),
  'round:end': tell(['volunteer'], typeOnly<RoundEnd>()),
  /** Sequential split learning: whose turn it is and how many are ahead of the receiver (validated by turnNoticeSchema). */
  'round:turn': tell(['volunteer'], typeOnly<TurnNotice>()),
  'run:state': tell(['volunteer'], typeOnly<RunInfo>()),
  'swarm:info': tell(['volunteer'], typeOnly<SwarmInfo>()),
  'secagg:keys': tell(['volunteer'], typeOnly<SecAggKeysMessage>()),
  'secagg:relayed-shares': tell(['volunteer'], typeOnly<SecAggRelayedShares>()),
  'secagg:unmask-request': tell(['volunteer'], typeOnly<SecAggUnmaskRequest>()),
  'secagg:abort': tell(['volunteer'], typeOnly<SecAggAbort>()),
  'admin:run': tell(['admin'], typeOnly<RunSnapshot | null>()),
  'admin:clients': tell(['admin'], typeOnly<ClientInfo[]>()),
  'admin:metric': tell(['admin'], typeOnly<MetricRecord>()),
  'admin:log': tell(['admin'], typeOnly<LogEntry>()),
  'admin:evaluation': tell(['admin'], typeOnly<RoundEvaluation>()),
  'protocol:error': tell(['volunteer', 'admin'], typeOnly<ProtocolErrorEvent>()),
} as const satisfies Record<string, RequestSpec | PushSpec>;

type Table = typeof EVENT_TABLE;

/** The requests one audience may send: a sub-table of EVENT_TABLE. */
export type RequestsFrom<A extends Audience> = { [E in keyof Table as Table[E] extends RequestSpec<A> ? E : never]: Table[E] };
/** The messages one audience may receive. */
type PushesTo<A extends Audience> = { [E in keyof Table as Table[E] extends PushSpec<infer T> ? (A extends T ? E : never) : never]: Table[E] };

export type RequestTable = Record<string, RequestSpec>;
export type VolunteerRequests = RequestsFrom<'volunteer'>;
export type AdminRequests = RequestsFrom<'admin'>;

/** What a client sends for event E (the schema's input: defaults may be left out). */
export type RequestPayload<T extends RequestTable, E extends keyof T> = z.input<T[E]['request']>;
/** What the server's handler of event E receives (the schema's output: validated, defaults filled in). */
export type ParsedRequest<T extends RequestTable, E extends keyof T> = z.output<T[E]['request']>;
/** What the server answers to event E. */
export type ReplyData<T extends RequestTable, E extends keyof T> = T[E]['reply'] extends TypeOnly<infer R> ? R : never;

/** socket.io's listener map of a request table: payload and ack callback per event. */
export type AckEvents<T extends RequestTable> = { [E in keyof T]: (payload: RequestPayload<T, E>, ack: AckCallback<ReplyData<T, E>>) => void };
/** socket.io's listener map of the pushes to an audience. */
type PushEvents<A extends Audience> = { [E in keyof PushesTo<A>]: (message: PushesTo<A>[E] extends PushSpec<Audience, infer M> ? M : never) => void };

export type ClientToServerEvents = AckEvents<VolunteerRequests>;
export type ServerToClientEvents = PushEvents<'volunteer'>;
export type AdminClientToServerEvents = AckEvents<AdminRequests>;
export type AdminServerToClientEvents = PushEvents<'admin'>;

/** The sub-table of the requests `audience` may send, at run time (what the server validates them with). */
function requestsFrom<A extends Audience>(audience: A): RequestsFrom<A> {
  const entries = Object.entries(EVENT_TABLE).filter(([, spec]) => spec.kind === 'request' && spec.from === audience);
  return Object.fromEntries(entries) as RequestsFrom<A>;
}

export const VOLUNTEER_REQUESTS: VolunteerRequests = requestsFrom('volunteer');
export const ADMIN_REQUESTS: AdminRequests = requestsFrom('admin');

function eventNames<T extends RequestTable>(table: T): (keyof T & string)[] {
  return Object.keys(table).filter((name): name is keyof T & string => name in table);
}

export const CLIENT_EVENTS: readonly (keyof VolunteerRequests & string)[] = eventNames(VOLUNTEER_REQUESTS);
export const ADMIN_EVENTS: readonly (keyof AdminRequests & string)[] = eventNames(ADMIN_REQUESTS);
export const ADMIN_NAMESPACE = NAMESPACES.admin;
