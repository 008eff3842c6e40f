// Type tests of the event table (checked by tsc in `pnpm typecheck`): the socket.io maps derived from it, and the
// typed request, which takes each event's payload and gives its reply — and refuses a wrong event, payload or reply.
import type { Socket } from 'socket.io-client';
import { expectTypeOf } from 'vitest';
import type { z } from 'zod';
import type { AdapterDownloadResponse, AdminSnapshot, GenerateResponse, RunSnapshot } from './admin-messages.js';
import type { AckCallback } from './error-codes.js';
import {
  ADMIN_EVENTS, type AdminClientToServerEvents, type AdminServerToClientEvents, CLIENT_EVENTS, type ClientToServerEvents,
  type ParsedRequest, type ReplyData, type ServerToClientEvents, type VolunteerRequests,
} from './event-table.js';
import { type PayloadOf, type ReplyOf, request } from './request.js';
import type { RunInfo } from './shared-records.js';
import type {
  ActivationsResponse, ClientManifest, joinRequestSchema, JoinResponse, ReadyResponse, RoundStart, UpdateResponse,
} from './volunteer-messages.js';

declare const volunteer: Socket<ServerToClientEvents, ClientToServerEvents>;
declare const admin: Socket<AdminServerToClientEvents, AdminClientToServerEvents>;

// The socket.io maps: a payload (the schema's input) and an ack with the reply, per event.
expectTypeOf<ClientToServerEvents['session:join']>().toEqualTypeOf<(payload: z.input<typeof joinRequestSchema>, ack: AckCallback<JoinResponse>) => void>();
expectTypeOf<ReplyOf<ClientToServerEvents['model:manifest']>>().toEqualTypeOf<ClientManifest>();
expectTypeOf<ReplyOf<ClientToServerEvents['round:ready']>>().toEqualTypeOf<ReadyResponse>();
expectTypeOf<PayloadOf<ClientToServerEvents['round:ready']>>().toEqualTypeOf<{ runId: string }>();
expectTypeOf<ReplyOf<AdminClientToServerEvents['admin:snapshot']>>().toEqualTypeOf<AdminSnapshot>();
expectTypeOf<ReplyData<VolunteerRequests, 'round:update'>>().toEqualTypeOf<UpdateResponse>();
// What the server's handler receives is the schema's output (defaults filled in), not what the client may send.
expectTypeOf<ParsedRequest<VolunteerRequests, 'session:join'>>().toEqualTypeOf<z.output<typeof joinRequestSchema>>();
expectTypeOf<Parameters<ServerToClientEvents['round:start']>[0]>().toEqualTypeOf<RoundStart>();
expectTypeOf<Parameters<ServerToClientEvents['run:state']>[0]>().toEqualTypeOf<RunInfo>();
expectTypeOf<Parameters<AdminServerToClientEvents['admin:run']>[0]>().toEqualTypeOf<RunSnapshot | null>();

// The event lists hold exactly the table's names.
expectTypeOf<(typeof CLIENT_EVENTS)[number]>().toEqualTypeOf<keyof ClientToServerEvents>();
expectTypeOf<(typeof ADMIN_EVENTS)[number]>().toEqualTypeOf<keyof AdminClientToServerEvents>();

export async function typedRequests(): Promise<void> {
  expectTypeOf(await request(volunteer, 'session:join', { protocolVersion: 2, backend: 'wasm' }, 1000)).toEqualTypeOf<JoinResponse>();
  expectTypeOf(await request(volunteer, 'model:manifest', { runId: 'r' }, 1000)).toEqualTypeOf<ClientManifest>();
  expectTypeOf(await request(volunteer, 'session:leave', {}, 1000)).toEqualTypeOf<Record<string, never>>();
  expectTypeOf(request(volunteer, 'train:activations', {} as PayloadOf<ClientToServerEvents['train:activations']>, 1000)).resolves.toEqualTypeOf<ActivationsResponse>();
  expectTypeOf(await request(admin, 'run:create', { model: 'tiny', cut: 2 }, 1000)).toEqualTypeOf<RunSnapshot>();
  expectTypeOf(await request(admin, 'generate', { prompt: 'hello' }, 1000)).toEqualTypeOf<GenerateResponse>();
  expectTypeOf(await request(admin, 'adapter:download', { runId: 'r', round: 1, which: 'combined' }, 1000)).toEqualTypeOf<AdapterDownloadResponse>();

  // @ts-expect-error a payload field of the wrong type
  await request(volunteer, 'session:join', { protocolVersion: '2', backend: 'wasm' }, 1000);
  // @ts-expect-error a backend outside the closed list
  await request(volunteer, 'session:join', { protocolVersion: 2, backend: 'quantum' }, 1000);
  // @ts-expect-error a field the schema does not have
  await request(volunteer, 'round:ready', { runId: 'r', extra: 1 }, 1000);
  // @ts-expect-error an event that is not in the volunteer table
  await request(volunteer, 'round:steal', {}, 1000);
  // @ts-expect-error an admin event on a volunteer socket
  await request(volunteer, 'run:create', { model: 'tiny' }, 1000);
  // @ts-expect-error a volunteer event on an admin socket
  await request(admin, 'session:leave', {}, 1000);
  // @ts-expect-error the reply of model:manifest is not a join response
  const wrongReply: JoinResponse = await request(volunteer, 'model:manifest', { runId: 'r' }, 1000);
  void wrongReply;
}
