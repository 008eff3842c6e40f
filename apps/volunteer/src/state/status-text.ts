// Words for the training screen's status line and the header's connection pill, from the training state.
import { isOver, type TrainingState } from './training-state.js';

export type Tone = 'idle' | 'busy' | 'good' | 'warn' | 'bad';

export interface Headline {
  title: string;
  tone: Tone;
}

export function statusHeadline(s: TrainingState): Headline {
  const ofRounds = s.rounds > 0 ? ` of ${s.rounds}` : '';
  if (s.pausedByYou && !isOver(s) && s.status !== 'reconnecting') return { title: 'Paused', tone: 'warn' };
  switch (s.status) {
    case 'starting': return { title: 'Starting…', tone: 'busy' };
    case 'connecting': return { title: 'Connecting to the server…', tone: 'busy' };
    case 'no-run': return { title: 'Waiting for a run to open', tone: 'idle' };
    case 'downloading': return { title: 'Downloading the model’s first layers', tone: 'busy' };
    case 'preparing': return { title: 'Preparing your data', tone: 'busy' };
    case 'waiting': {
      if (s.turn !== null) return { title: `Waiting for your turn — ${s.turn.ahead} ahead of you`, tone: 'idle' };
      const sent = s.round > 0 && s.localSteps > 0 && s.stepsDone >= s.localSteps && s.roundsDone < s.round;
      return { title: sent ? `Round ${s.round}${ofRounds} sent — waiting for the other volunteers` : 'Ready — waiting for the next round', tone: 'idle' };
    }
    case 'training': return { title: `Training round ${s.round}${ofRounds}`, tone: 'good' };
    case 'uploading': return { title: `Sending your adapter for round ${s.round}`, tone: 'good' };
    case 'paused': return { title: 'Paused', tone: 'warn' };
    case 'reconnecting': return { title: 'Connection lost — reconnecting…', tone: 'warn' };
    case 'finished': return { title: 'Run finished', tone: 'good' };
    case 'left': return { title: 'You left the run', tone: 'idle' };
    case 'error': return { title: 'Training stopped', tone: 'bad' };
  }
}

export interface Connection {
  text: string;
  /** More words, left out on narrow screens. */
  detail?: string;
  tone: Tone;
}

/** The header's connection pill; before Start nothing is connected and nothing has been sent. */
export function connectionOf(s: TrainingState | null): Connection {
  if (s === null) return { text: 'Not connected', detail: ' · nothing sent', tone: 'idle' };
  switch (s.status) {
    case 'starting':
    case 'connecting': return { text: 'Connecting…', tone: 'busy' };
    case 'reconnecting': return { text: 'Reconnecting…', tone: 'warn' };
    case 'finished':
    case 'left': return { text: 'Disconnected', tone: 'idle' };
    case 'error': return { text: 'Stopped', tone: 'bad' };
    default: return { text: 'Connected', tone: 'good' };
  }
}
