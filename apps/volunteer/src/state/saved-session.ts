// What a reload must not lose, kept in this tab's sessionStorage only (it survives a reload or a sleep, and two tabs
// stay two volunteers): consent (per run), the display name, the invite
// token, the server's resume token (the tab rejoins as the same volunteer), whether it was training, and the loss
// history of the run. Read defensively: anything malformed counts as absent.
import type { LossPoint } from './training-state.js';

export type SessionStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface SavedHistory {
  runId: string;
  losses: LossPoint[];
  roundsDone: number;
  tokensTrained: number;
}

export interface SavedSession {
  /** This tab's key for its saved files. */
  tabId: string | null;
  /** Consent was given for this run (null: while no run was open); another run asks again. */
  consent: { runId: string | null } | null;
  name: string;
  invite: string | null;
  resumeToken: string | null;
  clientId: string | null;
  /** The tab was training when it was closed or reloaded: it starts again by itself. */
  training: boolean;
  history: SavedHistory | null;
}

const KEY = 'splitlora.volunteer.session';
/** The chart keeps this many points across a reload. */
export const MAX_SAVED_LOSSES = 5000;

export const EMPTY_SESSION: SavedSession = { tabId: null, consent: null, name: '', invite: null, resumeToken: null, clientId: null, training: false, history: null };

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function readHistory(v: unknown): SavedHistory | null {
  if (typeof v !== 'object' || v === null) return null;
  const h = v as Record<string, unknown>;
  const runId = text(h['runId']);
  if (runId === null || !Array.isArray(h['losses'])) return null;
  const losses = (h['losses'] as unknown[]).filter((p): p is LossPoint => {
    const q = p as Record<string, unknown> | null;
    return typeof q === 'object' && q !== null && ['x', 'loss', 'round', 'step'].every((k) => typeof q[k] === 'number' && Number.isFinite(q[k]));
  });
  const count = (k: string) => (typeof h[k] === 'number' && Number.isFinite(h[k]) && (h[k] as number) >= 0 ? (h[k] as number) : 0);
  return { runId, losses: losses.slice(-MAX_SAVED_LOSSES), roundsDone: count('roundsDone'), tokensTrained: count('tokensTrained') };
}

function readConsent(v: unknown): SavedSession['consent'] {
  if (typeof v !== 'object' || v === null) return null;
  const runId = (v as Record<string, unknown>)['runId'];
  return runId === null || (typeof runId === 'string' && runId !== '') ? { runId } : null;
}

/** Whether the consent saved covers the run open now. */
export function consentCovers(session: SavedSession, runId: string | null): boolean {
  return session.consent !== null && session.consent.runId === runId;
}

export function loadSession(storage: SessionStorage): SavedSession {
  let raw: unknown;
  try {
    raw = JSON.parse(storage.getItem(KEY) ?? 'null');
  } catch {
    return { ...EMPTY_SESSION };
  }
  if (typeof raw !== 'object' || raw === null) return { ...EMPTY_SESSION };
  const s = raw as Record<string, unknown>;
  return {
    tabId: text(s['tabId']), consent: readConsent(s['consent']), name: typeof s['name'] === 'string' ? s['name'].slice(0, 40) : '', invite: text(s['invite']),
    resumeToken: text(s['resumeToken']), clientId: text(s['clientId']), training: s['training'] === true, history: readHistory(s['history']),
  };
}

/** Saves `change` over what is saved; a full or blocked storage only costs the reload-safety, never the session. */
export function saveSession(storage: SessionStorage, change: Partial<SavedSession>): SavedSession {
  const next = { ...loadSession(storage), ...change };
  try {
    storage.setItem(KEY, JSON.stringify(next));
  } catch {
    // storage full or disabled: the page keeps working, a reload just starts over
  }
  return next;
}

export function forgetSession(storage: SessionStorage): void {
  storage.removeItem(KEY);
}

/** The invite token of a `?invite=…` link, else the one saved. */
export function inviteFrom(search: string, saved: string | null): string | null {
  const fromLink = new URLSearchParams(search).get('invite')?.trim();
  return fromLink ? fromLink : saved;
}
