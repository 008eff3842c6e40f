// The typed socket.io client socket a volunteer talks through.
import type { ClientToServerEvents, ServerToClientEvents } from '@splitlora/protocol';
import type { Socket } from 'socket.io-client';

export type VolunteerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
