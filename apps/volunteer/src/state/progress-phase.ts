// What the training screen says while nothing visible moves (downloading n of m MB, reading the files, the first
// step compiling the GPU programs), and how long the round and the run still need at the measured step time.
import { formatBytes } from '../format/format.js';
import type { TrainingState } from './training-state.js';

/** A phase line replacing "step 0 of N" while the tab gets ready, or null once steps are counted. */
export function phaseText(s: TrainingState): string | null {
  if (s.status === 'downloading') {
    const w = s.weights;
    if (w === null || w.totalBytes === 0) return 'Downloading the model’s first layers…';
    if (w.fromCache) return 'Model layers found in this browser — not downloaded again';
    return `Downloading the model’s first layers: ${formatBytes(w.receivedBytes)} of ${formatBytes(w.totalBytes)}`;
  }
  if (s.status === 'preparing') return 'Reading your files and building the model…';
  if (s.status === 'waiting' && s.turn !== null) {
    const t = s.turn;
    return `Round ${t.round}${s.rounds ? ` of ${s.rounds}` : ''} · ${t.turnsDone} of ${t.turns} turns done (volunteers train one at a time)`;
  }
  if (s.status === 'training' && s.secondsPerStep === null) {
    return `Round ${s.round}: first step — the GPU compiles its programs (often 30–60 s, once per page load)`;
  }
  return null;
}

/** Sequential split learning, while this tab waits in line: the round's turns done of all (the progress bar's measure). */
export function turnProgress(s: TrainingState): { done: number; of: number } | null {
  return s.status === 'waiting' && s.turn !== null ? { done: s.turn.turnsDone, of: s.turn.turns } : null;
}

/** A rough duration: "under a minute", "about 4 min", "about 1 h 20 min". */
export function roughDuration(seconds: number): string {
  if (seconds < 60) return 'under a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  return `about ${Math.floor(minutes / 60)} h${minutes % 60 === 0 ? '' : ` ${minutes % 60} min`}`;
}

/** "about 2 min left in this round · about 9 min for the run" (training time at this tab's pace), or null. */
export function etaText(s: TrainingState): string | null {
  if (s.secondsPerStep === null || s.status !== 'training' || s.localSteps === 0) return null;
  const leftInRound = Math.max(0, s.localSteps - s.stepsDone);
  const roundsAfter = Math.max(0, s.rounds - s.round);
  const round = `${roughDuration(leftInRound * s.secondsPerStep)} left in this round`;
  return roundsAfter === 0 ? round : `${round} · ${roughDuration((leftInRound + roundsAfter * s.localSteps) * s.secondsPerStep)} for the run`;
}
