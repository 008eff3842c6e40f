// The run card: state badge, round x of R with the current round's progress bar, settings, and the run's buttons.
import type { RunSnapshot } from '@splitlora/protocol';
import { formatCount, formatSeconds } from '../state/format.js';
import { leakageLine } from '../state/leakage-line.js';
import { methodSummary } from '../state/method-summary.js';
import type { PrivacyStatus } from '../state/privacy-status.js';
import type { RoundProgress } from '../state/round-progress.js';
import { turnText } from '../state/turn-text.js';
import type { RunAction, RunControls } from '../state/run-controls.js';
import { card, h, setChildren } from './dom.js';
import { createInviteLinkView } from './invite-link-view.js';

export interface RunStatusInput {
  run: RunSnapshot | null;
  progress: RoundProgress | null;
  controls: RunControls;
  volunteersOnline: number;
  nowMs: number;
  /** DP ε so far and budget, secure aggregation; null when the run uses neither. */
  privacy?: PrivacyStatus | null;
}

export interface RunStatusView {
  element: HTMLElement;
  update(input: RunStatusInput): void;
  /** A line under the buttons: the outcome of the last action ('' clears it). */
  setMessage(message: string, tone?: 'info' | 'error'): void;
}

const STATE_LABEL: Record<RunSnapshot['state'], string> = {
  created: 'Created', waiting: 'Waiting for volunteers', training: 'Training', aggregating: 'Aggregating',
  paused: 'Paused', finished: 'Finished', stopped: 'Stopped', failed: 'Failed',
};

/** How long a confirmation ("Run started.") stays under the buttons. */
const MESSAGE_SHOWN_MS = 5000;

const BUTTONS: { action: RunAction; label: string; className: string }[] = [
  { action: 'start', label: 'Start', className: 'btn-primary' },
  { action: 'pause', label: 'Pause', className: '' },
  { action: 'resume', label: 'Resume', className: 'btn-primary' },
  { action: 'stop', label: 'Stop', className: 'btn-danger' },
];

export function describeRunSettings(run: RunSnapshot): string {
  const c = run.config;
  const placement = c.lora.enable_lora === null
    ? c.lora.target_modules.join(', ')
    : `${['q', 'k', 'v'].filter((_, i) => c.lora.enable_lora?.[i]).join(',')} of c_attn`;
  return [
    methodSummary(c), c.model, `cut ${c.cut}`, c.layout === 'u-shaped' ? 'u-shaped (labels stay in the tabs)' : 'standard layout', `SFL-${run.sfl.toUpperCase()}`, c.wireDtype === 'float16' ? 'fp16 wire' : 'fp32 wire',
    `LoRA r${c.lora.r}/α${c.lora.lora_alpha} on ${placement}`, `${c.localSteps} local steps`,
  ].join(' · ');
}

export function createRunStatusView(onAction: (action: RunAction) => void): RunStatusView {
  const { element, body } = card('Run', { id: 'run', className: 'card-run' });
  const announcer = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const content = h('div', { class: 'run-content' });
  const buttons = new Map<RunAction, HTMLButtonElement>();
  const toolbar = h('div', { class: 'button-row', role: 'group', 'aria-label': 'Run actions' });
  for (const b of BUTTONS) {
    const button = h('button', { type: 'button', class: `btn ${b.className}`.trim(), disabled: true }, [b.label]);
    button.addEventListener('click', () => onAction(b.action));
    buttons.set(b.action, button);
    toolbar.append(button);
  }
  const message = h('p', { class: 'action-message', role: 'status', 'aria-live': 'polite' });
  const invite = createInviteLinkView(location.origin);
  body.append(announcer, content, invite.element, toolbar, message);

  let announced = '';
  let messageTimer: ReturnType<typeof setTimeout> | null = null;
  return {
    element,
    update({ run, progress, controls, volunteersOnline, nowMs, privacy = null }) {
      for (const [action, button] of buttons) button.disabled = !controls[action];
      invite.update(run?.invite ?? null);
      const spoken = run === null ? 'No run' : `Run ${run.name}: ${STATE_LABEL[run.state]}, round ${run.round} of ${run.rounds}`;
      if (spoken !== announced) announcer.textContent = announced = spoken;
      if (run === null || progress === null) {
        setChildren(content, [
          h('div', { class: 'empty' }, [
            h('p', { class: 'empty-title' }, ['No run yet']),
            h('p', { class: 'muted' }, [`${volunteersOnline} volunteer${volunteersOnline === 1 ? '' : 's'} online. `, h('a', { href: '#new-run' }, ['Configure a run']), ' to begin.']),
          ]),
        ]);
        return;
      }
      const percent = Math.round(progress.fraction * 100);
      const elapsed = run.roundStartedAt !== null && (run.state === 'training' || run.state === 'aggregating')
        ? ` · ${formatSeconds(Math.max(0, (nowMs - run.roundStartedAt) / 1000))} in this round` : '';
      const summary = run.modelSummary;
      const turn = turnText(run);
      setChildren(content, [
        h('div', { class: 'run-title-row' }, [
          h('h3', { class: 'run-name' }, [run.name]),
          h('span', { class: `badge badge-${run.state}` }, [STATE_LABEL[run.state]]),
        ]),
        h('p', { class: 'run-settings muted' }, [describeRunSettings(run)]),
        h('div', { class: 'run-round' }, [
          h('span', { class: 'run-round-number' }, [`Round ${progress.round}`, h('span', { class: 'muted' }, [` / ${progress.rounds}`])]),
          h('span', { class: 'muted' }, [`${progress.completedRounds} completed`]),
        ]),
        h('div', {
          class: 'progress', role: 'progressbar', 'aria-label': `Progress of round ${progress.round}`,
          'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': percent, 'aria-valuetext': progress.detail,
        }, [h('div', { class: `progress-fill progress-${run.state}`, style: `width: ${percent}%` })]),
        h('p', { class: 'run-detail muted' }, [`${progress.detail}${elapsed}`]),
        h('dl', { class: 'facts' }, [
          fact('In this round', String(run.participants.length)),
          turn === null ? null : fact('Whose turn', turn),
          fact('Online', String(volunteersOnline)),
          summary ? fact('Parameters', formatCount(summary.totalParams)) : null,
          summary ? fact('Trainable (client / server)', `${formatCount(summary.clientTrainable)} / ${formatCount(summary.serverTrainable)}`) : null,
        ]),
        h('p', { class: 'run-leakage muted', id: 'run-leakage' }, [leakageLine(run)]),
        privacy === null ? null : privacyBlock(privacy),
        run.error ? h('p', { class: 'run-error', role: 'alert' }, [run.error]) : null,
      ]);
    },
    setMessage(text, tone = 'info') {
      // "Run started." is news for a moment (the badge says the rest); errors stay until the next action.
      if (messageTimer !== null) clearTimeout(messageTimer);
      messageTimer = tone === 'info' && text !== '' ? setTimeout(() => { message.textContent = ''; }, MESSAGE_SHOWN_MS) : null;
      message.textContent = text;
      message.className = `action-message ${tone === 'error' ? 'is-error' : ''}`.trim();
    },
  };
}

/** Differential privacy (ε so far against the budget, as a bar), secure aggregation and activation noise. */
function privacyBlock(privacy: PrivacyStatus): HTMLElement {
  const { dp, secureAggregation } = privacy;
  const parts: (HTMLElement | null)[] = [h('h4', { class: 'privacy-title' }, ['Privacy'])];
  if (dp !== null) {
    parts.push(h('p', { class: 'privacy-dp' }, [`Differential privacy (DP-FedAvg, σ ${dp.noiseMultiplier}, clip ${dp.clipNorm}): ${dp.detail}`]));
    if (dp.fraction !== null) {
      const percent = Math.round(dp.fraction * 100);
      parts.push(h('div', {
        class: 'progress', role: 'progressbar', 'aria-label': 'Privacy budget spent', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': percent,
        'aria-valuetext': dp.detail,
      }, [h('div', { class: `progress-fill ${percent >= 100 ? 'progress-failed' : 'progress-training'}`, style: `width: ${percent}%` })]));
      parts.push(h('p', { class: 'muted' }, [`When the budget is spent the run ${dp.onBudgetSpent === 'stop' ? 'stops before the round that would pass it' : 'goes on and warns'}.`]));
    }
  }
  if (secureAggregation !== null) parts.push(h('p', { class: 'privacy-secagg' }, [`Secure aggregation on: ${secureAggregation.detail}`]));
  if (privacy.activationNoise !== null) parts.push(h('p', { class: 'privacy-activation-noise' }, [`Activation noise (${privacy.activationNoise.detail})`]));
  return h('section', { class: 'run-privacy', 'aria-label': 'Privacy' }, parts);
}

function fact(term: string, value: string): HTMLElement {
  return h('div', { class: 'fact' }, [h('dt', {}, [term]), h('dd', {}, [value])]);
}
