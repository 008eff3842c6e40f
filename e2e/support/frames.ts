// Captures every WebSocket frame a page (and its workers) sends, searches them for given text, and decodes them
// back into the socket.io messages they carry (engine.io v4 over WebSocket: text packets, binary attachments).
import type { Page } from '@playwright/test';

type Frame = string | Buffer;

export interface SentFrames {
  text: string[];
  binary: Buffer[];
  /** Each socket's frames in the order they were sent (a binary event's attachments follow its text header). */
  sockets: Frame[][];
}

export function captureSentFrames(page: Page): SentFrames {
  const frames: SentFrames = { text: [], binary: [], sockets: [] };
  page.on('websocket', (socket) => {
    const ordered: Frame[] = [];
    frames.sockets.push(ordered);
    socket.on('framesent', ({ payload }) => {
      if (typeof payload === 'string') frames.text.push(payload);
      else frames.binary.push(Buffer.from(payload));
      ordered.push(typeof payload === 'string' ? payload : Buffer.from(payload));
    });
  });
  return frames;
}

/** The needles that appear in any sent frame, as UTF-8 text or inside binary payloads. */
export function leakedText(frames: SentFrames, needles: readonly string[]): string[] {
  return needles.filter((needle) => {
    const bytes = Buffer.from(needle, 'utf8');
    return frames.text.some((t) => t.includes(needle)) || frames.binary.some((b) => b.includes(bytes));
  });
}

/** One socket.io message as sent: an event with its first argument, an ack's answer ('ack'), or a namespace connect. */
export interface SentMessage {
  event: string;
  payload: unknown;
}

const SIO = { CONNECT: 0, EVENT: 2, ACK: 3, BINARY_EVENT: 5, BINARY_ACK: 6 } as const;

/** Puts the binary attachments back where socket.io left `{ _placeholder: true, num }`. */
function restore(value: unknown, attachments: Buffer[]): unknown {
  if (Array.isArray(value)) return value.map((v) => restore(v, attachments));
  if (typeof value !== 'object' || value === null) return value;
  const o = value as Record<string, unknown>;
  if (o['_placeholder'] === true && typeof o['num'] === 'number') {
    const data = attachments[o['num']];
    if (data === undefined) throw new Error(`socket.io frame: attachment ${o['num']} of ${attachments.length} missing`);
    return new Uint8Array(data);
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, restore(v, attachments)]));
}

/** Reads one socket.io packet "<type>[<attachments>-][<nsp>,][<id>][<json>]" (engine.io's "4" already removed). */
function readPacket(text: string): { type: number; attachments: number; data: unknown } {
  const type = Number(text[0]);
  let i = 1;
  let attachments = 0;
  if (type === SIO.BINARY_EVENT || type === SIO.BINARY_ACK) {
    const dash = text.indexOf('-', i);
    attachments = Number(text.slice(i, dash));
    i = dash + 1;
  }
  if (text[i] === '/') i = text.indexOf(',', i) + 1 || text.length;
  while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++;
  return { type, attachments, data: i < text.length ? JSON.parse(text.slice(i)) : undefined };
}

/** Every socket.io message in the captured frames, decoded (pings and other engine.io control frames skipped). */
export function sentMessages(frames: SentFrames): SentMessage[] {
  const out: SentMessage[] = [];
  for (const socket of frames.sockets) {
    for (let f = 0; f < socket.length; f++) {
      const frame = socket[f]!;
      if (typeof frame !== 'string') throw new Error('socket.io frame: a binary frame no binary packet announced');
      if (frame[0] !== '4') continue; // engine.io ping/pong/close
      const packet = readPacket(frame.slice(1));
      const attachments = socket.slice(f + 1, f + 1 + packet.attachments).map((b) => {
        if (typeof b === 'string') throw new Error(`socket.io frame: expected ${packet.attachments} binary attachments after "${frame.slice(0, 40)}"`);
        return b;
      });
      f += packet.attachments;
      const data = restore(packet.data, attachments);
      if (packet.type === SIO.EVENT || packet.type === SIO.BINARY_EVENT) {
        const [event, payload] = data as [string, unknown];
        out.push({ event, payload });
      } else if (packet.type === SIO.ACK || packet.type === SIO.BINARY_ACK) {
        out.push({ event: 'ack', payload: (data as unknown[])[0] });
      } else if (packet.type === SIO.CONNECT) {
        out.push({ event: 'connect', payload: data });
      }
    }
  }
  return out;
}
