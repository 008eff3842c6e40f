// Counts the bytes a socket.io client sends and receives (engine.io packet payloads, binary attachments included).
import type { Socket } from 'socket.io-client';

function packetBytes(data: unknown): number {
  if (typeof data === 'string') return new TextEncoder().encode(data).byteLength;
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

export class TrafficMeter {
  bytesUp = 0;
  bytesDown = 0;
  private attached: unknown = null;

  constructor(socket: Socket) {
    const manager = socket.io;
    const attach = () => {
      const engine = manager.engine;
      if (engine === undefined || engine === this.attached) return;
      this.attached = engine;
      engine.on('packetCreate', (packet: { data?: unknown }) => (this.bytesUp += packetBytes(packet.data)));
      engine.on('packet', (packet: { data?: unknown }) => (this.bytesDown += packetBytes(packet.data)));
    };
    manager.on('open', attach);
    attach();
  }
}
