// Attributes every engine.io payload byte of the volunteer namespace to what it carried: the JSON text of each
// socket.io packet by its event (acks by the request they answer), each binary attachment by the field it fills
// (activations, targets, lossMask, gradient, adapter tensors, asset chunks). The totals match the server's
// registry.totalUp/totalDown, which count the same payloads.
import type { SplitLoraServer } from '@splitlora/server';
import { type Category, categorize } from './categories.js';

export type Direction = 'up' | 'down';

/** The part of a socket.io server socket the meter uses: its engine.io connection's packet events. */
interface MeteredSocket {
  conn: { on(event: 'packet' | 'packetCreate', listener: (packet: { data?: unknown }) => void): unknown };
}

/** One training step as it travelled: the activations' shape and the counted positions (sum of the loss mask). */
export interface StepShape {
  batch: number;
  seqLen: number;
  embd: number;
  activationBytes: number;
  tokens: number;
}

interface Header {
  type: number;
  attachments: number;
  id: number | null;
  payload: unknown;
}

interface PendingBinary {
  event: string;
  fields: string[];
  step: { batch: number; seqLen: number; embd: number; activationBytes: number } | null;
}

/** socket.io-parser's text encoding: type digit, [attachments "-"], ["/nsp,"], [ack id], JSON. */
function parseHeader(text: string): Header | null {
  const m = /^(\d)(?:(\d+)-)?(?:(\/[^,]*),)?(\d+)?(.*)$/s.exec(text);
  if (m === null) return null;
  try {
    return { type: Number(m[1]), attachments: m[2] ? Number(m[2]) : 0, id: m[4] ? Number(m[4]) : null, payload: m[5] ? JSON.parse(m[5]) : null };
  } catch {
    return null;
  }
}

/** Paths of the binary placeholders indexed by their number, e.g. ["1.activations.data", "1.targets.data", …]. */
function placeholderPaths(value: unknown, path = '', out: string[] = []): string[] {
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (obj['_placeholder'] === true && typeof obj['num'] === 'number') out[obj['num']] = path;
    else for (const [k, v] of Object.entries(obj)) placeholderPaths(v, path ? `${path}.${k}` : k, out);
  }
  return out;
}

const EVENT = new Set([2, 5]);
const ACK = new Set([3, 6]);

export class PacketMeter {
  readonly bytes: Record<Direction, Partial<Record<Category, number>>> = { up: {}, down: {} };
  /** Bytes by event and field, for the JSON detail. */
  readonly detail: Record<string, number> = {};
  readonly steps: StepShape[] = [];
  private frozen = false;

  attach(server: SplitLoraServer): void {
    server.io.of('/').on('connection', (socket) => this.meter(socket));
  }

  /** Stops counting: read together with the server's registry totals, the two describe the same moment. */
  freeze(): void {
    this.frozen = true;
  }

  total(direction: Direction): number {
    return Object.values(this.bytes[direction]).reduce((s, v) => s + v, 0);
  }

  private add(direction: Direction, event: string, field: string | null, n: number): void {
    if (this.frozen) return;
    const category = categorize(direction, event, field);
    this.bytes[direction][category] = (this.bytes[direction][category] ?? 0) + n;
    const key = `${direction} ${event}${field === null ? ' (json)' : ` ${field.replace(/^\d+\./, '').replace(/\.\d+\./g, '.*.')}`}`;
    this.detail[key] = (this.detail[key] ?? 0) + n;
  }

  private meter(socket: MeteredSocket): void {
    const requests = new Map<number, string>(); // ack id → the volunteer's request event
    const pending: Record<Direction, PendingBinary | null> = { up: null, down: null };
    const onText = (direction: Direction, text: string) => {
      const header = parseHeader(text);
      if (header === null) return this.add(direction, 'transport', null, Buffer.byteLength(text));
      let event = 'other';
      if (EVENT.has(header.type) && Array.isArray(header.payload)) {
        event = String(header.payload[0]);
        if (direction === 'up' && header.id !== null) requests.set(header.id, event);
      } else if (ACK.has(header.type) && header.id !== null) {
        event = direction === 'down' ? `${requests.get(header.id) ?? 'unknown'}:ack` : 'volunteer:ack';
        if (direction === 'down') requests.delete(header.id);
      }
      this.add(direction, event, null, Buffer.byteLength(text));
      if (header.attachments === 0) return;
      const args = Array.isArray(header.payload) ? header.payload : [];
      const shape = event === 'train:activations' ? (args[1] as { activations?: { shape?: number[] } } | undefined)?.activations?.shape : undefined;
      pending[direction] = {
        event, fields: placeholderPaths(header.payload),
        step: shape?.length === 3 ? { batch: shape[0]!, seqLen: shape[1]!, embd: shape[2]!, activationBytes: 0 } : null,
      };
    };
    const onBinary = (direction: Direction, bytes: Uint8Array) => {
      const p = pending[direction];
      const field = p?.fields.shift() ?? 'unannounced';
      this.add(direction, p?.event ?? 'binary', field, bytes.byteLength);
      if (p?.step != null) {
        if (field.endsWith('activations.data')) p.step.activationBytes = bytes.byteLength;
        if (field.endsWith('lossMask.data')) {
          let tokens = 0;
          for (let i = 0; i < bytes.length; i++) tokens += bytes[i]!;
          if (!this.frozen) this.steps.push({ ...p.step, tokens });
        }
      }
      if (p !== null && p.fields.length === 0) pending[direction] = null;
    };
    const onPacket = (direction: Direction, data: unknown) => {
      if (typeof data === 'string') onText(direction, data);
      else if (data instanceof ArrayBuffer) onBinary(direction, new Uint8Array(data));
      else if (ArrayBuffer.isView(data)) onBinary(direction, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    };
    socket.conn.on('packet', (packet: { data?: unknown }) => onPacket('up', packet.data));
    socket.conn.on('packetCreate', (packet: { data?: unknown }) => onPacket('down', packet.data));
  }
}
