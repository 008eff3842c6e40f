// The reload-safe session: saved and read back, malformed storage counts as empty, the link's invite wins.
import { describe, expect, it } from 'vitest';
import { consentCovers, EMPTY_SESSION, forgetSession, inviteFrom, loadSession, MAX_SAVED_LOSSES, saveSession, type SessionStorage } from './saved-session.js';

function memoryStorage(): SessionStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

describe('saved volunteer session', () => {
  it('keeps consent, identity and history across a reload', () => {
    const storage = memoryStorage();
    expect(loadSession(storage)).toEqual(EMPTY_SESSION);
    saveSession(storage, { consent: { runId: 'r1' }, name: 'ada' });
    saveSession(storage, { resumeToken: 'tok', clientId: 'c-1', training: true });
    const losses = Array.from({ length: MAX_SAVED_LOSSES + 10 }, (_, i) => ({ x: i + 1, loss: 3 - i * 1e-4, round: 1, step: i }));
    saveSession(storage, { history: { runId: 'r1', losses, roundsDone: 2, tokensTrained: 1000 } });
    const back = loadSession(storage);
    expect(consentCovers(back, 'r1')).toBe(true);
    expect(consentCovers(back, 'r2')).toBe(false); // another run asks again
    expect(back).toMatchObject({ name: 'ada', resumeToken: 'tok', clientId: 'c-1', training: true });
    expect(back.history?.losses).toHaveLength(MAX_SAVED_LOSSES);
    expect(back.history?.losses.at(-1)?.x).toBe(MAX_SAVED_LOSSES + 10);
    forgetSession(storage);
    expect(loadSession(storage)).toEqual(EMPTY_SESSION);
  });

  it('reads malformed storage as empty and drops malformed points', () => {
    const storage = memoryStorage();
    storage.map.set('splitlora.volunteer.session', '{not json');
    expect(loadSession(storage)).toEqual(EMPTY_SESSION);
    storage.map.set('splitlora.volunteer.session', JSON.stringify({ consent: { runId: 7 }, history: { runId: 'r', losses: [{ x: 1, loss: 'NaN', round: 1, step: 0 }, { x: 2, loss: 1, round: 1, step: 1 }] } }));
    const s = loadSession(storage);
    expect(s.consent).toBeNull();
    expect(s.history?.losses).toEqual([{ x: 2, loss: 1, round: 1, step: 1 }]);
  });

  it('takes the invite of the link over the saved one', () => {
    expect(inviteFrom('?invite=abc', 'old')).toBe('abc');
    expect(inviteFrom('', 'old')).toBe('old');
    expect(inviteFrom('?invite=', null)).toBeNull();
  });
});
