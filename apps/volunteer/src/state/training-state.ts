// What the training screen shows, folded from the Volunteer's events: status, round and step, losses, speed,
// traffic, swarm size, download and the outcome. A pure reducer (DOM-free) so it is unit-tested.
import type { VolunteerEvent, VolunteerOutcome, VolunteerStatus } from '@splitlora/client';
import type { RunInfo } from '@splitlora/protocol';

export interface LossPoint {
  /** Steps this volunteer has trained in the run so far (1-based): the chart's x. */
  x: number;
  loss: number;
  round: number;
  step: number;
}

export interface DownloadState {
  receivedBytes: number;
  totalBytes: number;
  fromCache: boolean;
}

export interface TrainingState {
  /** 'starting' between the Start click and the Volunteer's first status. */
  status: VolunteerStatus | 'starting';
  message: string;
  /** Who the server knows this tab as (kept across reloads), once joined. */
  clientId: string | null;
  run: RunInfo | null;
  round: number;
  rounds: number;
  localSteps: number;
  stepsDone: number;
  roundsDone: number;
  losses: LossPoint[];
  lastLoss: number | null;
  tokensPerSecond: number;
  /** Seconds per step, a moving average of this page load's steps (null before its first step): the ETA's pace. */
  secondsPerStep: number | null;
  tokensTrained: number;
  bytesUp: number;
  bytesDown: number;
  volunteersOnline: number | null;
  weights: DownloadState | null;
  dataset: { examples: number; tokens: number } | null;
  lastEvalLoss: number | null;
  notice: string | null;
  error: string | null;
  outcome: VolunteerOutcome | null;
  /**
   * The volunteer pressed Pause and not yet Resume. Kept by the page because the Volunteer's status can move on
   * while paused (e.g. to 'uploading' at the end of a round), and the buttons must still offer Resume.
   */
  pausedByYou: boolean;
  /** Activation noise: this tab's own per-example figure after its latest round; null when the run has none (or before). */
  activationPrivacy: { round: number; releasesPerExample: number; epsilon: number | null; delta: number } | null;
  /** Sequential split learning: this tab's place in line while another volunteer trains; null when not waiting for a turn. */
  turn: { round: number; ahead: number; turnsDone: number; turns: number } | null;
}

export function initialTrainingState(rounds = 0, localSteps = 0, volunteersOnline: number | null = null): TrainingState {
  return {
    status: 'starting', message: 'starting…', clientId: null, run: null, round: 0, rounds, localSteps, stepsDone: 0, roundsDone: 0,
    losses: [], lastLoss: null, tokensPerSecond: 0, secondsPerStep: null, tokensTrained: 0, bytesUp: 0, bytesDown: 0, volunteersOnline,
    weights: null, dataset: null, lastEvalLoss: null, notice: null, error: null, outcome: null, pausedByYou: false, turn: null, activationPrivacy: null,
  };
}

export function reduceTraining(state: TrainingState, event: VolunteerEvent): TrainingState {
  switch (event.type) {
    case 'status':
      return {
        ...state, status: event.status, message: event.message,
        error: event.status === 'error' ? event.message : state.error,
        notice: event.status === 'training' ? null : state.notice,
      };
    case 'download':
      return event.asset === 'weights'
        ? { ...state, weights: { receivedBytes: event.receivedBytes, totalBytes: event.totalBytes, fromCache: event.fromCache } }
        : state;
    case 'dataset':
      return { ...state, dataset: { examples: event.examples, tokens: event.tokens } };
    case 'round-start':
      return { ...state, round: event.round, rounds: event.rounds, localSteps: event.localSteps, stepsDone: event.firstStep, turn: null };
    case 'turn':
      return { ...state, round: event.round, stepsDone: 0, turn: { round: event.round, ahead: event.ahead, turnsDone: event.turnsDone, turns: event.turns } };
    case 'step': {
      const x = (state.losses.at(-1)?.x ?? 0) + 1;
      return {
        ...state, round: event.round, localSteps: event.localSteps, stepsDone: event.step + 1, lastLoss: event.loss,
        tokensPerSecond: event.tokensPerSecond, tokensTrained: state.tokensTrained + event.tokens,
        secondsPerStep: state.secondsPerStep === null ? event.seconds : 0.6 * state.secondsPerStep + 0.4 * event.seconds,
        losses: [...state.losses, { x, loss: event.loss, round: event.round, step: event.step }],
      };
    }
    case 'round-end':
      // The event's `rounds` is not the run's total (see the report on packages/client); keep the total from round-start.
      return {
        ...state, turn: null, roundsDone: Math.max(state.roundsDone, event.round),
        lastEvalLoss: event.evalLoss ?? state.lastEvalLoss,
      };
    case 'traffic':
      return { ...state, bytesUp: event.bytesUp, bytesDown: event.bytesDown };
    case 'swarm':
      return { ...state, volunteersOnline: event.volunteersOnline };
    case 'run':
      return { ...state, run: event.run, rounds: event.run !== null && event.run.rounds > 0 ? event.run.rounds : state.rounds };
    case 'secagg':
      return event.phase === 'failed' ? { ...state, notice: event.message } : { ...state, message: event.message };
    case 'identity':
      return { ...state, clientId: event.clientId };
    case 'activation-privacy':
      return { ...state, activationPrivacy: { round: event.round, releasesPerExample: event.releasesPerExample, epsilon: event.epsilon, delta: event.delta } };
    case 'error':
      return event.fatal ? { ...state, error: event.message } : { ...state, notice: event.message };
  }
}

export function withOutcome(state: TrainingState, outcome: VolunteerOutcome): TrainingState {
  return { ...state, outcome, pausedByYou: false };
}

export function withPausedByYou(state: TrainingState, paused: boolean): TrainingState {
  return { ...state, pausedByYou: paused };
}

/** The session is over (finished, left or failed): no more controls. */
export function isOver(state: TrainingState): boolean {
  return state.outcome !== null || state.status === 'finished' || state.status === 'left' || state.status === 'error';
}
