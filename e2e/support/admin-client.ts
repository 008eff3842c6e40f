// A socket.io admin client for e2e tests that set up runs without clicking (the dashboard spec clicks); its requests
// go through the protocol's typed request.
import {
  ADMIN_NAMESPACE, type AdminClientToServerEvents, type AdminServerToClientEvents, type PayloadOf, type ReplyOf, request,
  type RunConfigInput, type RunSnapshot,
} from '@splitlora/protocol';
import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';

type AdminSocket = Socket<AdminServerToClientEvents, AdminClientToServerEvents>;

export class AdminClient {
  private constructor(private readonly socket: AdminSocket) {}

  /** `options.ca`: a PEM certificate to trust (a server with a self-signed one). */
  static async connect(url: string, token: string, options: { ca?: string } = {}): Promise<AdminClient> {
    const ca = options.ca === undefined ? {} : { ca: readFileSync(options.ca, 'utf8') };
    const socket: AdminSocket = io(`${url}${ADMIN_NAMESPACE}`, { auth: { token }, transports: ['websocket'], forceNew: true, ...ca });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return new AdminClient(socket);
  }

  request<E extends keyof AdminClientToServerEvents & string>(event: E, payload: PayloadOf<AdminClientToServerEvents[E]>): Promise<ReplyOf<AdminClientToServerEvents[E]>> {
    return request(this.socket, event, payload, 120_000);
  }

  createRun(config: RunConfigInput): Promise<RunSnapshot> {
    return this.request('run:create', config);
  }

  startRun(runId: string): Promise<RunSnapshot> {
    return this.request('run:start', { runId });
  }

  close(): void {
    this.socket.disconnect();
  }
}
