// Type tests of the socket layer's one `on` (checked by tsc in `pnpm typecheck`): the handler gets the validated
// payload of the event named, must return that event's reply, and only events of the namespace's table exist.
import {
  type AdminClientToServerEvents, type AdminServerToClientEvents, type ClientManifest, type ClientToServerEvents, type AdminRequests, type VolunteerRequests,
  type JoinResponse, type RunConfig, type ServerToClientEvents,
} from '@splitlora/protocol';
import type { Socket } from 'socket.io';
import { expectTypeOf } from 'vitest';
import { type NamespaceContext, on } from './handle.js';

declare const volunteer: Socket<ClientToServerEvents, ServerToClientEvents>;
declare const admin: Socket<AdminClientToServerEvents, AdminServerToClientEvents>;
declare const volunteerCtx: NamespaceContext<VolunteerRequests>;
declare const adminCtx: NamespaceContext<AdminRequests>;
declare const manifest: ClientManifest;
declare const joinResponse: JoinResponse;

on(volunteer, 'model:manifest', volunteerCtx, (req) => {
  expectTypeOf(req).toEqualTypeOf<{ runId: string }>();
  return manifest;
});
on(volunteer, 'session:join', volunteerCtx, async (req) => {
  expectTypeOf(req.backend).toEqualTypeOf<'webgpu' | 'webgl' | 'wasm' | 'cpu' | 'tensorflow' | 'node'>();
  return joinResponse;
});
// The handler of run:create gets the run config with its defaults filled in.
on(admin, 'run:create', adminCtx, (config) => {
  expectTypeOf(config).toEqualTypeOf<RunConfig>();
  throw new Error('not built in a type test');
});

// @ts-expect-error the reply of model:manifest must be a manifest
on(volunteer, 'model:manifest', volunteerCtx, () => joinResponse);
// @ts-expect-error an event that is not in the volunteer table
on(volunteer, 'round:steal', volunteerCtx, () => ({}));
// @ts-expect-error an admin event handled with the volunteer table
on(volunteer, 'run:create', volunteerCtx, () => manifest);
// @ts-expect-error the payload of round:ready has no `hash`
on(volunteer, 'round:ready', volunteerCtx, (req) => ({ queued: req.hash === '' }));
// @ts-expect-error an admin socket with the volunteer table
on(admin, 'model:manifest', volunteerCtx, () => manifest);
