// Wraps a socket event handler: rate limit, an ack callback required, zod validation, and errors turned into
// {ok:false, error:{code, message}} (unexpected ones become INTERNAL, with details only in the server log).
import { describeIssues, errorAck, okAck, ProtocolError } from '@splitlora/protocol';
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import type { RateLimiter } from '../clients/rate-limiter.js';
import type { Logger } from '../log.js';

export interface HandlerContext {
  logger: Logger;
  limiter: RateLimiter;
  /** Key of the rate-limit bucket (the socket id by default). */
  rateKey?: (socket: Socket) => string;
}

export function on<S extends z.ZodType, R>(
  socket: Socket, event: string, schema: S, ctx: HandlerContext, handler: (payload: z.output<S>) => Promise<R> | R,
): void {
  socket.on(event, async (payload: unknown, ack: unknown) => {
    if (typeof ack !== 'function') {
      socket.emit('protocol:error', { code: 'BAD_REQUEST', message: `${event} needs an acknowledgement callback`, event });
      return;
    }
    const reply = ack as (response: unknown) => void;
    if (!ctx.limiter.allow(ctx.rateKey?.(socket) ?? socket.id, Date.now())) {
      reply(errorAck('RATE_LIMITED', `too many messages; slow down (${event})`));
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

/** Answers events that are not part of the protocol, through their ack or a protocol:error event. */
export function rejectUnknownEvents(socket: Socket, known: readonly string[]): void {
  const names = new Set(known);
  socket.onAny((event: string, ...args: unknown[]) => {
    if (names.has(event)) return;
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
