// The one typed handler of the socket layer: `on(socket, event, ctx, handler)` takes the event's schema and reply
// type from the event table (packages/protocol), then rate-limits, requires an ack callback, validates, and turns
// errors into {ok:false, error:{code, message}} (unexpected ones become INTERNAL, details only in the server log).
import {
  type AckEvents, describeIssues, errorAck, okAck, type ParsedRequest, type ProtocolErrorEvent, ProtocolError,
  type ReplyData, type RequestTable,
} from '@splitlora/protocol';
import type { Socket } from 'socket.io';
import type { RateLimiter } from '../clients/rate-limiter.js';
import type { Logger } from '../log.js';
import { payloadShapeProblem } from './payload-shape.js';

/** What the socket layer needs of any namespace's socket, whatever its events. */
export interface EventSocket {
  readonly id: string;
  on(event: string, listener: (payload: unknown, ack: unknown) => void): unknown;
  onAny(listener: (event: string, ...args: unknown[]) => void): unknown;
  emit(event: 'protocol:error', message: ProtocolErrorEvent): boolean;
}

/** One namespace's handlers: its request table, the log, and the rate limit. */
export interface NamespaceContext<T extends RequestTable> {
  requests: T;
  logger: Logger;
  limiter: RateLimiter;
  /** Key of the rate-limit bucket (the socket id by default). */
  rateKey?: (socketId: string) => string;
}

export function on<T extends RequestTable, E extends keyof T & string, P extends Record<string, unknown>>(
  socket: EventSocket & Socket<AckEvents<T>, P>, event: E, ctx: NamespaceContext<T>,
  handler: (payload: ParsedRequest<T, E>) => Promise<ReplyData<T, E>> | ReplyData<T, E>,
): void {
  const schema: T[E]['request'] = ctx.requests[event].request;
  socket.on(event, async (payload: unknown, ack: unknown) => {
    if (typeof ack !== 'function') {
      socket.emit('protocol:error', { code: 'BAD_REQUEST', message: `${event} needs an acknowledgement callback`, event });
      return;
    }
    const reply = ack as (response: unknown) => void;
    if (!ctx.limiter.allow(ctx.rateKey?.(socket.id) ?? socket.id, Date.now())) {
      reply(errorAck('RATE_LIMITED', `too many messages; slow down (${event})`));
      return;
    }
    const shapeProblem = payloadShapeProblem(payload);
    if (shapeProblem !== null) {
      reply(errorAck('BAD_REQUEST', `${event}: ${shapeProblem}`));
      return;
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      reply(errorAck('BAD_REQUEST', `${event}: ${describeIssues(parsed.error)}`));
      return;
    }
    try {
      reply(okAck(await handler(parsed.data)));
    } catch (error) {
      if (error instanceof ProtocolError) {
        reply(errorAck(error.code, error.message));
        return;
      }
      ctx.logger.error(`${event} failed: ${(error as Error).stack ?? String(error)}`);
      reply(errorAck('INTERNAL', `the server could not handle ${event}; the error is in its log`));
    }
  });
}

/** Answers events that are not part of the namespace's table, through their ack or a protocol:error push. */
export function rejectUnknownEvents<T extends RequestTable, P extends Record<string, unknown>>(socket: EventSocket & Socket<AckEvents<T>, P>, ctx: NamespaceContext<T>): void {
  socket.onAny((event: string, ...args: unknown[]) => {
    if (Object.prototype.hasOwnProperty.call(ctx.requests, event)) return;
    const last = args[args.length - 1];
    const message = `unknown event "${event}"`;
    if (typeof last === 'function') (last as (r: unknown) => void)(errorAck('UNKNOWN_EVENT', message));
    else socket.emit('protocol:error', { code: 'UNKNOWN_EVENT', message, event });
  });
}

/** Counts the bytes of a socket's engine.io packets (binary attachments included). */
export function meterSocket(socket: Socket, count: (up: number, down: number) => void): void {
  const size = (data: unknown) => (typeof data === 'string' ? Buffer.byteLength(data) : data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data.byteLength : 0);
  socket.conn.on('packet', (packet: { data?: unknown }) => count(size(packet.data), 0));
  socket.conn.on('packetCreate', (packet: { data?: unknown }) => count(0, size(packet.data)));
}
