// The server's edge: which HTTP handshakes socket.io accepts (origin of polling requests, connections per
// address), and the namespaces' middleware (a page's origin, the volunteer invite token, the admin token with
// throttled wrong attempts). Refusals carry a sentence the page shows as it is.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ConnectionRefusal, RefusalCode } from '@splitlora/protocol';
import type { Socket } from 'socket.io';
import type { Logger } from '../log.js';
import { AddressLimits, type AddressLimitOptions, DEFAULT_ADDRESS_LIMITS } from './address-limits.js';
import { clientAddress } from './client-address.js';
import { FailedAttempts } from './failed-attempts.js';
import { originRefusal, type OriginPolicy } from './origin-policy.js';

export interface AccessOptions {
  allowedOrigins?: readonly string[];
  /** When set, volunteers must connect with this token (`auth.invite`, from the page's ?invite=). */
  inviteToken?: string;
  /** The current run's own invite token (config.inviteOnly), else null; read at every check. */
  runInvite?: () => string | null;
  addressLimits?: Partial<AddressLimitOptions>;
  /** Take addresses from X-Forwarded-For (behind a reverse proxy). */
  trustProxy?: boolean;
}

type Next = (error?: Error) => void;

const INVITE_REFUSAL = 'This run takes volunteers by invitation: open the invite link the organiser gave you (it ends in ?invite=…)';

/** A middleware error that carries its refusal to the client (packages/protocol's connectionRefusal reads it). */
export function refusal(code: RefusalCode, message: string): Error {
  return Object.assign(new Error(message), { data: { code, message } });
}

export function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class AccessGuard {
  readonly limits: AddressLimits;
  private readonly policy: OriginPolicy;
  private readonly adminFailures = new FailedAttempts();
  private readonly sweepTimer: ReturnType<typeof setInterval>;

  constructor(private readonly options: AccessOptions, private readonly logger: Logger) {
    this.policy = { allowed: options.allowedOrigins ?? [] };
    this.limits = new AddressLimits({ ...DEFAULT_ADDRESS_LIMITS, ...options.addressLimits });
    this.sweepTimer = setInterval(() => this.adminFailures.sweep(Date.now()).forEach((line) => logger.warn(line)), 10_000);
    this.sweepTimer.unref();
  }

  /** The invite tokens a volunteer may connect with now: the server's (--invite-token) and the current run's. */
  private invites(): string[] {
    return [this.options.inviteToken, this.options.runInvite?.() ?? undefined].filter((t): t is string => t !== undefined && t !== null);
  }

  /** Volunteers need an invite link now (the server's, or the current run is invite-only). */
  get inviteRequired(): boolean {
    return this.invites().length > 0;
  }

  /** Whether a socket's handshake carries an invite the server accepts now (always, when none is required). */
  inviteAccepted(socket: Pick<Socket, 'handshake'>): boolean {
    const invites = this.invites();
    const given = (socket.handshake.auth as Record<string, unknown> | undefined)?.['invite'];
    return invites.length === 0 || invites.some((invite) => tokenMatches(invite, given));
  }

  /** socket.io's cors option: only the allow-list gets CORS headers (same-origin pages need none). */
  get corsOrigins(): string[] {
    return [...this.policy.allowed];
  }

  addressOf(req: IncomingMessage): string {
    return clientAddress(req, this.options.trustProxy ?? false);
  }

  /**
   * engine.io's allowRequest, asked once per new connection: too many from one address, or a polling request from
   * a foreign page (its answer would be readable there), are refused with HTTP 403 and the reason. A WebSocket from
   * a foreign page gets through here and is refused by the namespace, whose message the page can read.
   */
  allowRequest = (req: IncomingMessage, callback: (message: string | null | undefined, success: boolean) => void): void => {
    const address = this.addressOf(req);
    const tooMany = this.limits.connectionRefusal(address);
    if (tooMany !== null) {
      this.logger.warn(`connection refused: ${tooMany}`);
      callback(tooMany, false);
      return;
    }
    const isPolling = new URL(req.url ?? '/', 'http://x').searchParams.get('transport') === 'polling';
    const foreign = originRefusal(this.policy, req.headers.origin, req.headers.host);
    if (isPolling && foreign !== null) {
      callback(foreign, false);
      return;
    }
    callback(null, true);
  };

  /**
   * Why a new connection from the address of `req` would be refused now, in words for the person at the page: a
   * browser cannot read allowRequest's answer to a WebSocket upgrade, so the page asks GET /api/connection-check.
   */
  connectionCheck(req: IncomingMessage): ConnectionRefusal | null {
    const address = this.addressOf(req);
    if (this.limits.connectionRefusal(address) === null) return null;
    const open = this.limits.connections(address);
    const limit = this.limits.options.connectionsPerAddress;
    return {
      code: 'TOO_MANY_CONNECTIONS',
      message: `The server refused this tab's connection: your address (${address}) already has ${open} open connection${open === 1 ? '' : 's'} to it, `
        + `and it allows at most ${limit}. Close other tabs of this page (or other volunteers on your network), then reload this page.`,
    };
  }

  /** Counts an accepted connection until it closes. */
  track(request: IncomingMessage, conn: { once(event: 'close', fn: () => void): unknown }): void {
    const address = this.addressOf(request);
    this.limits.opened(address);
    conn.once('close', () => this.limits.closed(address));
  }

  /** Null when the volunteer at `address` may join now, else why not. */
  joinRefusal(address: string): string | null {
    return this.limits.join(address, Date.now());
  }

  private originError(socket: Socket): Error | null {
    const why = originRefusal(this.policy, socket.handshake.headers.origin, socket.handshake.headers.host);
    return why === null ? null : refusal('ORIGIN_NOT_ALLOWED', why);
  }

  volunteerMiddleware = (socket: Socket, next: Next): void => {
    const foreign = this.originError(socket);
    if (foreign !== null) return next(foreign);
    if (!this.inviteAccepted(socket)) return next(refusal('INVITE_REQUIRED', INVITE_REFUSAL));
    next();
  };

  adminMiddleware(token: string): (socket: Socket, next: Next) => void {
    return (socket, next) => {
      const foreign = this.originError(socket);
      if (foreign !== null) return next(foreign);
      const address = this.addressOf(socket.request);
      const now = Date.now();
      const locked = this.adminFailures.locked(address, now);
      if (locked !== null) return next(refusal('TOO_MANY_ATTEMPTS', locked));
      if (tokenMatches(token, (socket.handshake.auth as Record<string, unknown> | undefined)?.['token'])) {
        this.adminFailures.succeeded(address);
        return next();
      }
      const line = this.adminFailures.failed(address, now);
      if (line !== null) this.logger.warn(line);
      next(refusal('UNAUTHORIZED', 'UNAUTHORIZED'));
    };
  }

  dispose(): void {
    clearInterval(this.sweepTimer);
  }
}
