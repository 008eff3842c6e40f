// The one table of socket.io events: for each namespace, every request event with its payload's zod schema and
// its reply's type, and every event the server pushes with its message type. The typed event maps of socket.io,
// the event name lists, the server's `on` and the clients' `request` are all derived from it, so a new event is
// one entry here and the compiler finds every place that must handle it.
import type { z } from 'zod';
import {
  adapterDownloadSchema, type AdapterDownloadResponse, type AdminSnapshot, type ClientInfo, generateRequestSchema,
  type GenerateResponse, type LogEntry, type MetricRecord, type RunSnapshot,
} from './admin-messages.js';
import type { AckCallback } from './error-codes.js';
import { runConfigSchema } from './run-config.js';
import { emptySchema, type ProtocolErrorEvent, type RunInfo, runIdRequestSchema } from './shared-records.js';
import {
  activationsRequestSchema, type ActivationsResponse, chunkRequestSchema, type ChunkResponse, type ClientManifest, joinRequestSchema,
  type JoinResponse, type ReadyResponse, type RoundEnd, type RoundStart, statusRequestSchema, type SwarmInfo, updateRequestSchema,
  type UpdateResponse,
} from './volunteer-messages.js';

declare const TYPE_ONLY: unique symbol;

/** A type carried by the table without a runtime value (a reply or a pushed message: the server builds them). */
export interface TypeOnly<T> { readonly [TYPE_ONLY]?: T }

function typeOnly<T>(): TypeOnly<T> {
  return {};
}

/** A request: the client sends a payload `request` validates, and the server answers through the ack with `reply`. */
export interface RequestSpec<S extends z.ZodType = z.ZodType, R = unknown> {
  readonly request: S;
  readonly reply: TypeOnly<R>;
}

function ask<S extends z.ZodType, R>(request: S, reply: TypeOnly<R>): RequestSpec<S, R> {
  return { request, reply };
}

export type RequestTable = Record<string, RequestSpec>;
export type PushTable = Record<string, TypeOnly<unknown>>;

export const EVENT_TABLE = {
  /** Volunteers ("/"): join, download the client split, train, report. */
  volunteer: {
    namespace: '/',
    requests: {
      'session:join': ask(joinRequestSchema, typeOnly<JoinResponse>()),
      'model:manifest': ask(runIdRequestSchema, typeOnly<ClientManifest>()),
      'asset:chunk': ask(chunkRequestSchema, typeOnly<ChunkResponse>()),
      'round:ready': ask(runIdRequestSchema, typeOnly<ReadyResponse>()),
      'train:activations': ask(activationsRequestSchema, typeOnly<ActivationsResponse>()),
      'round:update': ask(updateRequestSchema, typeOnly<UpdateResponse>()),
      'client:status': ask(statusRequestSchema, typeOnly<Record<string, never>>()),
      'session:leave': ask(emptySchema, typeOnly<Record<string, never>>()),
    },
    pushes: {
      'round:start': typeOnly<RoundStart>(),
      'round:end': typeOnly<RoundEnd>(),
      'run:state': typeOnly<RunInfo>(),
      'swarm:info': typeOnly<SwarmInfo>(),
      'protocol:error': typeOnly<ProtocolErrorEvent>(),
    },
  },
  /** The dashboard ("/admin", behind a token): create and control runs, watch them, download adapters, generate. */
  admin: {
    namespace: '/admin',
    requests: {
      'admin:snapshot': ask(emptySchema, typeOnly<AdminSnapshot>()),
      'run:create': ask(runConfigSchema, typeOnly<RunSnapshot>()),
      'run:start': ask(runIdRequestSchema, typeOnly<RunSnapshot>()),
      'run:pause': ask(runIdRequestSchema, typeOnly<RunSnapshot>()),
      'run:resume': ask(runIdRequestSchema, typeOnly<RunSnapshot>()),
      'run:stop': ask(runIdRequestSchema, typeOnly<RunSnapshot>()),
      'clients:list': ask(emptySchema, typeOnly<ClientInfo[]>()),
      'metrics:history': ask(runIdRequestSchema, typeOnly<MetricRecord[]>()),
      'adapter:download': ask(adapterDownloadSchema, typeOnly<AdapterDownloadResponse>()),
      'generate': ask(generateRequestSchema, typeOnly<GenerateResponse>()),
    },
    pushes: {
      'admin:run': typeOnly<RunSnapshot | null>(),
      'admin:clients': typeOnly<ClientInfo[]>(),
      'admin:metric': typeOnly<MetricRecord>(),
      'admin:log': typeOnly<LogEntry>(),
      'protocol:error': typeOnly<ProtocolErrorEvent>(),
    },
  },
} as const satisfies Record<string, { namespace: string; requests: RequestTable; pushes: PushTable }>;

export type VolunteerRequests = typeof EVENT_TABLE.volunteer.requests;
export type AdminRequests = typeof EVENT_TABLE.admin.requests;

/** What a client sends for event E (the schema's input: defaults may be left out). */
export type RequestPayload<T extends RequestTable, E extends keyof T> = z.input<T[E]['request']>;
/** What the server's handler of event E receives (the schema's output: validated, defaults filled in). */
export type ParsedRequest<T extends RequestTable, E extends keyof T> = z.output<T[E]['request']>;
/** What the server answers to event E. */
export type ReplyData<T extends RequestTable, E extends keyof T> = T[E]['reply'] extends TypeOnly<infer R> ? R : never;
type PushMessage<P> = P extends TypeOnly<infer M> ? M : never;

/** socket.io's listener map of a request table: payload and ack callback per event. */
export type AckEvents<T extends RequestTable> = { [E in keyof T]: (payload: RequestPayload<T, E>, ack: AckCallback<ReplyData<T, E>>) => void };
/** socket.io's listener map of a push table. */
export type PushEvents<P extends PushTable> = { [E in keyof P]: (message: PushMessage<P[E]>) => void };

export type ClientToServerEvents = AckEvents<VolunteerRequests>;
export type ServerToClientEvents = PushEvents<typeof EVENT_TABLE.volunteer.pushes>;
export type AdminClientToServerEvents = AckEvents<AdminRequests>;
export type AdminServerToClientEvents = PushEvents<typeof EVENT_TABLE.admin.pushes>;

function eventNames<T extends RequestTable>(table: T): (keyof T & string)[] {
  return Object.keys(table).filter((name): name is keyof T & string => name in table);
}

export const CLIENT_EVENTS: readonly (keyof VolunteerRequests & string)[] = eventNames(EVENT_TABLE.volunteer.requests);
export const ADMIN_EVENTS: readonly (keyof AdminRequests & string)[] = eventNames(EVENT_TABLE.admin.requests);
export const ADMIN_NAMESPACE = EVENT_TABLE.admin.namespace;
