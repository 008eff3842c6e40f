// Rows of the clients and rounds tables, as display strings, from the protocol records.
import type { ClientInfo, RoundRecord } from '@splitlora/protocol';
import { formatAgo, formatCount, formatLoss, formatRate, formatSeconds } from './format.js';

export type Tone = 'good' | 'busy' | 'idle' | 'bad';

export interface ClientRow {
  id: string;
  name: string;
  backend: string;
  tokensPerSecond: string;
  tokens: string;
  status: string;
  tone: Tone;
  participating: boolean;
  lastSeen: string;
}

const STATE_TONE: Record<ClientInfo['state'], Tone> = {
  connected: 'idle', downloading: 'busy', ready: 'good', training: 'busy', paused: 'idle', disconnected: 'bad',
};

/** Connected clients first, the ones in the current round before the others, then by tokens contributed. */
export function clientRows(clients: readonly ClientInfo[], nowMs: number): ClientRow[] {
  const rank = (c: ClientInfo): number => (c.state === 'disconnected' ? 2 : c.participating ? 0 : 1);
  return [...clients]
    .sort((a, b) => rank(a) - rank(b) || b.tokens - a.tokens || a.id.localeCompare(b.id))
    .map((c) => ({
      id: c.id,
      name: c.name.trim() || '(unnamed)',
      backend: c.backend,
      tokensPerSecond: formatRate(c.tokensPerSecond),
      tokens: formatCount(c.tokens),
      status: c.state,
      tone: STATE_TONE[c.state] ?? 'idle',
      participating: c.participating,
      lastSeen: formatAgo(nowMs, c.lastSeen),
    }));
}

export interface RoundRow {
  round: number;
  label: string;
  seconds: string;
  participants: string;
  /** Full list for a tooltip: names where known. */
  participantNames: string;
  trainLoss: string;
  evalLoss: string;
  evalPerplexity: string;
  tokens: string;
}

/** Newest round first. */
export function roundRows(rounds: readonly RoundRecord[], labels: ReadonlyMap<string, string>): RoundRow[] {
  return [...rounds].reverse().map((r) => {
    const ppl = r.evalPerplexity ?? (r.evalLoss === null ? null : Math.exp(r.evalLoss));
    return {
      round: r.round,
      label: r.round === 0 ? '0 · base' : String(r.round),
      seconds: r.round === 0 ? '—' : formatSeconds(r.seconds),
      // "1 of 2": two volunteers trained in the round, one reported (the other dropped out).
      participants: r.trainers !== undefined && r.trainers.length > r.participants.length
        ? `${r.participants.length} of ${r.trainers.length}` : String(r.participants.length || r.clients),
      participantNames: r.participants.map((id) => labels.get(id) ?? id).join(', '),
      trainLoss: formatLoss(r.trainLoss),
      evalLoss: formatLoss(r.evalLoss),
      evalPerplexity: ppl === null || !Number.isFinite(ppl) ? '—' : ppl.toFixed(2),
      tokens: formatCount(r.tokens),
    };
  });
}

/** `round-3-client-adapter_model.safetensors`: the saved name of one file of a downloaded adapter. */
/** Folder (inside the zip) and archive name of a round's adapter download: round-3-client-adapter(.zip). */
export function downloadFolderName(round: number, which: string): string {
  return `round-${round}-${which}-adapter`;
}
