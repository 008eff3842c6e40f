// Captures every WebSocket frame a page (and its workers) sends, and searches them for given text.
import type { Page } from '@playwright/test';

export interface SentFrames {
  text: string[];
  binary: Buffer[];
}

export function captureSentFrames(page: Page): SentFrames {
  const frames: SentFrames = { text: [], binary: [] };
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      if (typeof payload === 'string') frames.text.push(payload);
      else frames.binary.push(Buffer.from(payload));
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
