// The training screen: status (announced to screen readers), round progress, pause/resume/leave, the numbers
// people look at (loss, speed, traffic, volunteers online, model download) and the local loss chart.
import type { ActivationNoiseFigures } from '@splitlora/protocol';
import type { TrainingSummary } from '../api/run-overview.js';
import { formatBytes, formatInteger, formatLoss, formatPercent, formatRate, plural } from '../format/format.js';
import { etaText, phaseText, turnProgress } from '../state/progress-phase.js';
import { statusHeadline } from '../state/status-text.js';
import { isOver, type TrainingState } from '../state/training-state.js';
import { h, ICONS, icon, setChildren, setText } from './dom.js';
import { createLossChart, type LossChart } from './loss-chart.js';
import { createOutcomeView, type OutcomeActions } from './outcome-view.js';
import { statTile } from './stat-tile.js';
import { trafficHints } from './what-leaves.js';
import { activationPrivacyText } from '../state/activation-privacy-text.js';

export interface TrainingActions extends OutcomeActions {
  onPause(): void;
  onResume(): void;
  onLeave(): void;
}

export interface TrainingView {
  element: HTMLElement;
  render(state: TrainingState): void;
  /** Which backend computes, and why the faster ones were not used. */
  setBackend(label: string, detail: string): void;
  /** What the run's layout and method send and who evaluates (the tiles' hints). */
  describeRun(training: TrainingSummary | null): void;
}

function weightsText(s: TrainingState): [string, string] {
  const w = s.weights;
  if (w === null) return ['—', 'downloaded once, then cached'];
  if (w.fromCache) return [formatBytes(w.totalBytes), 'from cache — not downloaded again'];
  if (w.receivedBytes < w.totalBytes) return [formatPercent(w.receivedBytes, w.totalBytes), `downloading ${formatBytes(w.receivedBytes)} of ${formatBytes(w.totalBytes)}`];
  return [formatBytes(w.totalBytes), 'downloaded and cached for next time'];
}

export function createTrainingView(actions: TrainingActions): TrainingView {
  const title = h('h2', { class: 'status-title', id: 'status-title', tabindex: -1 }, ['Starting…']);
  const message = h('p', { class: 'status-message', id: 'status-message' });
  const statusRegion = h('div', { class: 'status-text', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' }, [title, message]);

  const pause = h('button', { class: 'btn btn-secondary', type: 'button', id: 'pause-button' }, [icon(ICONS.pause), 'Pause']);
  const resume = h('button', { class: 'btn btn-secondary', type: 'button', id: 'resume-button', hidden: true }, [icon(ICONS.play), 'Resume']);
  const leave = h('button', { class: 'btn btn-danger-quiet', type: 'button', id: 'leave-button' }, [icon(ICONS.leave), 'Leave']);
  pause.addEventListener('click', actions.onPause);
  resume.addEventListener('click', actions.onResume);
  leave.addEventListener('click', actions.onLeave);

  const progressLabel = h('span', { id: 'round-label' }, ['Waiting for the first round']);
  const progressPercent = h('span', { class: 'muted' }, ['']);
  const etaLine = h('p', { class: 'muted eta-line', id: 'eta', hidden: true });
  const fill = h('div', { class: 'progress-fill' });
  const bar = h('div', {
    class: 'progress', id: 'round-progress', role: 'progressbar', 'aria-label': 'Steps done in this round',
    'aria-valuemin': 0, 'aria-valuemax': 1, 'aria-valuenow': 0,
  }, [fill]);
  const reconnecting = h('p', { class: 'banner banner-warn', id: 'reconnecting', hidden: true }, [
    h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Connection to the server lost; this tab keeps trying. Your files, name and loss chart stay in this browser. When the server answers again it says where training goes on: this round, or — if the server restarted — the round after its last saved one.',
  ]);
  const notice = h('p', { class: 'banner banner-info', hidden: true });
  const backendLine = h('p', { class: 'backend-line', id: 'backend-line' }, ['Choosing how this device computes…']);

  const statusCard = h('section', { class: 'card status-card tone-busy', 'aria-label': 'Status' }, [
    h('div', { class: 'status-head' }, [
      h('span', { class: 'status-dot', 'aria-hidden': 'true' }), statusRegion,
      h('div', { class: 'controls' }, [pause, resume, leave]),
    ]),
    h('div', { class: 'progress-block' }, [h('div', { class: 'progress-labels' }, [progressLabel, progressPercent]), bar, etaLine]),
    reconnecting, notice, backendLine,
  ]);

  const outcome = createOutcomeView(actions);
  const tiles = {
    loss: statTile('loss', 'Local loss', 'last step'),
    speed: statTile('speed', 'Speed', 'tokens per second'),
    sent: statTile('sent', 'Sent', 'activations, labels, adapters'),
    received: statTile('received', 'Received', 'gradients, model, messages'),
    online: statTile('online', 'Volunteers online', ''),
    model: statTile('model', 'Model layers', 'downloaded once, then cached'),
    noise: statTile('activation-noise', 'Activation noise', ''),
  };
  tiles.noise.element.hidden = true;
  /** The run's stated activation-noise figures (null: none), until this tab reports its own. */
  let plannedNoise: ActivationNoiseFigures | null = null;
  const canvas = h('canvas', { role: 'img', 'aria-label': 'Line chart of the local training loss per step' });
  const chartCaption = h('p', { class: 'card-foot muted', id: 'dataset-caption' }, ['Your data is being prepared…']);
  const stats = h('dl', { class: 'stats', 'aria-label': 'Training numbers' }, Object.values(tiles).map((t) => t.element));
  const chartCard = h('section', { class: 'card chart-card', 'aria-labelledby': 'chart-title' }, [
    h('div', { class: 'card-header' }, [h('h2', { class: 'card-title', id: 'chart-title' }, ['Local loss'])]),
    h('div', { class: 'card-body' }, [h('div', { class: 'chart-box' }, [canvas])]),
    chartCaption,
  ]);
  const element = h('div', { class: 'stack', id: 'training', 'data-status': 'starting' }, [statusCard, outcome.element, stats, chartCard]);
  let chart: LossChart | null = null;
  /** The u-shaped layout without an eval file: the round's eval loss is the tabs' mean held-out loss, not the server's. */
  let evalLabel = 'server eval loss';

  return {
    element,
    describeRun(training) {
      const hints = trafficHints(training);
      tiles.sent.setHint(hints.sent);
      tiles.received.setHint(hints.received);
      evalLabel = training?.heldOutEval === true ? 'held-out loss of all tabs' : 'server eval loss';
      plannedNoise = training?.privacy?.activationNoise ?? null;
    },
    setBackend(label, detail) {
      setChildren(backendLine, [icon(ICONS.chip), h('span', {}, [h('strong', {}, [label]), ` · ${detail}`])]);
    },
    render(s) {
      const headline = statusHeadline(s);
      element.dataset['status'] = s.status;
      statusCard.className = `card status-card tone-${headline.tone}`;
      setText(title, headline.title);
      const over = isOver(s);
      // The outcome card speaks for the end; elsewhere the Volunteer's words add detail unless they repeat the title.
      const detail = s.message.charAt(0).toUpperCase() + s.message.slice(1);
      setText(message, over || detail.toLowerCase() === headline.title.toLowerCase() ? '' : detail);
      message.hidden = message.textContent === '';
      pause.hidden = over || s.pausedByYou;
      resume.hidden = over || !s.pausedByYou;
      leave.hidden = over;

      // Waiting for its turn (method sl), the bar shows the round's turns done; otherwise this tab's steps.
      const turns = turnProgress(s);
      const steps = turns?.of ?? Math.max(1, s.localSteps);
      const done = turns?.done ?? Math.min(s.stepsDone, steps);
      const phase = phaseText(s);
      const eta = etaText(s);
      setText(progressLabel, phase ?? (s.round === 0 ? 'Waiting for the first round' : `Round ${s.round}${s.rounds ? ` of ${s.rounds}` : ''} · step ${done} of ${s.localSteps}`));
      setText(progressPercent, s.round === 0 ? '' : formatPercent(done, steps));
      setText(etaLine, eta === null ? '' : `${eta.charAt(0).toUpperCase()}${eta.slice(1)} (training time at this tab’s pace)`);
      etaLine.hidden = eta === null;
      fill.style.width = s.round === 0 ? '0%' : formatPercent(done, steps);
      bar.setAttribute('aria-valuemax', String(steps));
      bar.setAttribute('aria-valuenow', String(done));
      bar.setAttribute('aria-valuetext', turns === null ? `${done} of ${s.localSteps} steps` : `${done} of ${turns.of} turns`);
      reconnecting.hidden = s.status !== 'reconnecting';
      notice.hidden = s.notice === null;
      setText(notice, s.notice ?? '');

      outcome.render(s);
      // A session that ended before its first step (refused, no backend) has no numbers or chart to show.
      stats.hidden = chartCard.hidden = over && s.losses.length === 0;
      tiles.loss.set(formatLoss(s.lastLoss), s.lastEvalLoss !== null ? `${evalLabel} ${formatLoss(s.lastEvalLoss)}` : 'last step');
      tiles.speed.set(s.tokensPerSecond > 0 ? formatRate(s.tokensPerSecond) : '—');
      tiles.sent.set(formatBytes(s.bytesUp));
      tiles.received.set(formatBytes(s.bytesDown));
      tiles.online.set(s.volunteersOnline === null ? '—' : formatInteger(s.volunteersOnline), over ? 'when you disconnected' : s.status === 'reconnecting' ? 'last known' : s.volunteersOnline === 1 ? 'just you right now' : 'including you');
      tiles.model.set(...weightsText(s));
      const noise = activationPrivacyText(s, plannedNoise);
      tiles.noise.element.hidden = noise === null;
      if (noise !== null) tiles.noise.set(noise.value, noise.hint);
      if (s.dataset !== null) {
        setText(chartCaption, `Training on ${plural(s.dataset.examples, 'example')} (${formatInteger(s.dataset.tokens)} tokens to learn) from your files. One point per step.`);
      }
      // chart.js needs a laid-out canvas: create the chart the first time the screen is visible.
      if (chart === null && element.isConnected && element.offsetParent !== null) chart = createLossChart(canvas);
      chart?.update(s.losses, s.rounds * s.localSteps);
    },
  };
}
