// Who is connected: volunteer records by id, socket and resume token, with the stats the dashboard shows. One
// session per connection, online exactly while its connection lives, and at most `maxPerAddress` per address.
import { randomBytes } from 'node:crypto';
import { type BackendName, type ClientInfo, ProtocolError } from '@splitlora/protocol';

/** Default cap on the sessions online from one address (a Node fleet runs many volunteers from one machine). */
export const DEFAULT_SESSIONS_PER_ADDRESS = 256;

/** What the dashboard sees of a client, plus how to find its socket again. */
export interface ClientRecord extends Omit<ClientInfo, 'participating' | 'backend'> {
  resumeToken: string;
  backend: BackendName;
  socketId: string | null;
  /** The address of its current (or last) connection. */
  address: string;
}

export class ClientRegistry {
  private readonly byId = new Map<string, ClientRecord>();
  private readonly bySocketId = new Map<string, string>();
  private readonly byToken = new Map<string, string>();
  private counter = 0;
  /** Bytes of every volunteer socket together (server's view: up = received). */
  totalUp = 0;
  totalDown = 0;

  constructor(private readonly maxPerAddress = DEFAULT_SESSIONS_PER_ADDRESS) {}

  /**
   * Registers a joining socket; a known resume token brings back the same record. A connection holds one session:
   * asking again gives the same one, asking for another is refused (TOO_MANY_SESSIONS), as is a session beyond the
   * address's cap.
   */
  join(
    socketId: string, backend: BackendName, name: string | undefined, resumeToken: string | undefined, now: number, address = 'local',
  ): { record: ClientRecord; resumed: boolean } {
    const current = this.bySocket(socketId);
    if (current !== undefined) {
      if (resumeToken !== undefined && resumeToken !== current.resumeToken) {
        throw new ProtocolError('TOO_MANY_SESSIONS', `this connection already holds session ${current.id}; one session per connection`);
      }
      // The same connection asks again (its first answer came too late): the same session, not a second one.
      current.lastSeen = now;
      return { record: current, resumed: true };
    }
    const knownId = resumeToken === undefined ? undefined : this.byToken.get(resumeToken);
    const known = knownId === undefined ? undefined : this.byId.get(knownId);
    if (known === undefined || known.socketId === null) this.checkAddressCap(address);
    if (known !== undefined) {
      if (known.socketId !== null) this.bySocketId.delete(known.socketId);
      known.socketId = socketId;
      known.state = 'connected';
      known.backend = backend;
      known.lastSeen = now;
      known.address = address;
      this.bySocketId.set(socketId, known.id);
      return { record: known, resumed: true };
    }
    this.counter += 1;
    const id = `v${this.counter}-${randomBytes(3).toString('hex')}`;
    const record: ClientRecord = {
      id, resumeToken: randomBytes(16).toString('hex'), name: name && name.length > 0 ? name : `volunteer ${this.counter}`, backend, socketId, address,
      state: 'connected', tokensPerSecond: 0, tokens: 0, steps: 0, rounds: 0, bytesUp: 0, bytesDown: 0, lastSeen: now,
    };
    this.byId.set(id, record);
    this.bySocketId.set(socketId, id);
    this.byToken.set(record.resumeToken, id);
    return { record, resumed: false };
  }

  private checkAddressCap(address: string): void {
    let online = 0;
    for (const r of this.byId.values()) if (r.socketId !== null && r.address === address) online++;
    if (online >= this.maxPerAddress) {
      throw new ProtocolError('TOO_MANY_SESSIONS', `${online} sessions are already online from this address, the most this server allows`);
    }
  }

  get(id: string): ClientRecord | undefined {
    return this.byId.get(id);
  }

  bySocket(socketId: string): ClientRecord | undefined {
    const id = this.bySocketId.get(socketId);
    return id === undefined ? undefined : this.byId.get(id);
  }

  disconnected(socketId: string, now: number): ClientRecord | undefined {
    const record = this.bySocket(socketId);
    this.bySocketId.delete(socketId);
    if (record !== undefined && record.socketId === socketId) {
      record.socketId = null;
      record.state = 'disconnected';
      record.lastSeen = now;
    }
    return record;
  }

  traffic(socketId: string, up: number, down: number): void {
    this.totalUp += up;
    this.totalDown += down;
    const record = this.bySocket(socketId);
    if (record !== undefined) {
      record.bytesUp += up;
      record.bytesDown += down;
    }
  }

  online(): number {
    return [...this.byId.values()].filter((r) => r.socketId !== null).length;
  }

  list(participants: ReadonlySet<string>): ClientInfo[] {
    return [...this.byId.values()].map((r) => ({
      id: r.id, name: r.name, backend: r.backend, state: r.state, tokensPerSecond: r.tokensPerSecond, tokens: r.tokens, steps: r.steps,
      rounds: r.rounds, bytesUp: r.bytesUp, bytesDown: r.bytesDown, lastSeen: r.lastSeen, participating: participants.has(r.id),
    }));
  }

  /** Forgets clients that have been gone for long (keeps the table and memory bounded). */
  prune(now: number, maxAgeMs: number): void {
    for (const [id, r] of this.byId) {
      if (r.socketId === null && now - r.lastSeen > maxAgeMs) {
        this.byId.delete(id);
        this.byToken.delete(r.resumeToken);
      }
    }
  }
}
