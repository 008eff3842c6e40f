// A socket.io admin client for e2e tests that set up runs without clicking (the dashboard spec clicks).
import { ADMIN_NAMESPACE, type RunConfigInput, type RunSnapshot, unwrapAck } from '@splitlora/protocol';
import { io, type Socket } from 'socket.io-client';

export class AdminClient {
  private constructor(private readonly socket: Socket) {}

  static async connect(url: string, token: string): Promise<AdminClient> {
    const socket = io(`${url}${ADMIN_NAMESPACE}`, { auth: { token }, transports: ['websocket'], forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return new AdminClient(socket);
  }

  async request<T>(event: string, payload: unknown): Promise<T> {
    return unwrapAck(await this.socket.timeout(120_000).emitWithAck(event, payload));
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
