// socket.io checks maxHttpBufferSize per engine.io packet, and a message's binary attachments are packets of their
// own: this counts a message's header and attachments together and ends the connection (after telling it why) as
// soon as one message outgrows the limit, before the rest of it is buffered.

/** What the guard needs of an engine.io connection. */
export interface EngineConnection {
  on(event: 'packet', listener: (packet: { type: string; data?: unknown }) => void): unknown;
  close(): unknown;
}

const BINARY_HEADER = /^[56](\d+)-/;

const sizeOf = (data: unknown): number =>
  typeof data === 'string' ? Buffer.byteLength(data) : data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data.byteLength : 0;

/** Calls `exceeded(bytes)` and closes `conn` when one socket.io message (header + attachments) exceeds `maxBytes`. */
export function guardMessageBytes(conn: EngineConnection, maxBytes: number, exceeded: (bytes: number) => void): void {
  let pending = 0;
  let bytes = 0;
  let closed = false;
  conn.on('packet', (packet) => {
    if (closed || packet.type !== 'message') return;
    if (typeof packet.data === 'string') {
      const header = BINARY_HEADER.exec(packet.data);
      pending = header === null ? 0 : Number(header[1]);
      bytes = sizeOf(packet.data);
    } else if (pending > 0) {
      pending -= 1;
      bytes += sizeOf(packet.data);
    }
    if (bytes > maxBytes) {
      closed = true;
      exceeded(bytes);
      conn.close();
    }
  });
}
