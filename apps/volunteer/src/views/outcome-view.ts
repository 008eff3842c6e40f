// The end of a session on the training screen: thank-you when the run finished, "you left" with a way back,
// or the error that stopped training.
import { formatBytes, formatInteger, plural } from '../format/format.js';
import type { TrainingState } from '../state/training-state.js';
import { h, ICONS, icon, setChildren } from './dom.js';

export interface OutcomeActions {
  onRejoin(): void;
  onReload(): void;
}

export interface OutcomeView {
  element: HTMLElement;
  render(state: TrainingState): void;
}

export function createOutcomeView(actions: OutcomeActions): OutcomeView {
  const element = h('section', { class: 'card outcome', id: 'outcome', hidden: true, 'aria-live': 'polite' });
  let shown: string | null = null;

  function button(text: string, onClick: () => void, primary = true): HTMLButtonElement {
    const b = h('button', { class: `btn ${primary ? 'btn-primary' : 'btn-quiet'}`, type: 'button' }, [text]);
    b.addEventListener('click', onClick);
    return b;
  }

  return {
    element,
    render(s) {
      const kind = s.outcome ?? (s.status === 'error' ? 'error' : null);
      if (kind === shown) return;
      shown = kind;
      element.hidden = kind === null;
      element.className = `card outcome outcome-${kind ?? 'none'}`;
      if (kind === 'finished') {
        const steps = s.losses.length;
        // The rounds this tab trained in, not the run's: a tab that joined late took part in fewer.
        const rounds = new Set(s.losses.map((p) => p.round)).size;
        setChildren(element, [
          h('div', { class: 'outcome-icon' }, [icon(ICONS.heart)]),
          h('div', {}, [
            h('h2', { id: 'thank-you' }, ['Thank you!']),
            h('p', {}, [
              `The run is finished. This tab trained ${plural(steps, 'step')} over ${plural(rounds, 'round')}`,
              s.tokensTrained > 0 ? ` on ${formatInteger(s.tokensTrained)} tokens` : '',
              `, sending ${formatBytes(s.bytesUp)} and receiving ${formatBytes(s.bytesDown)}. `,
              'Your files never left this device. You can close this tab.',
            ]),
          ]),
        ]);
      } else if (kind === 'left') {
        setChildren(element, [
          h('div', { class: 'outcome-icon' }, [icon(ICONS.leave)]),
          h('div', {}, [
            h('h2', {}, ['You left the run']),
            h('p', {}, ['The connection is closed. The run goes on with the other volunteers; you can join again with the same files.']),
            h('div', { class: 'actions' }, [button('Join again', actions.onRejoin)]),
          ]),
        ]);
      } else if (kind === 'error') {
        setChildren(element, [
          h('div', { class: 'outcome-icon' }, [icon(ICONS.alert)]),
          h('div', {}, [
            h('h2', {}, ['Training stopped']),
            h('p', { class: 'error-text', role: 'alert' }, [s.error ?? s.message]),
            h('div', { class: 'actions' }, [button('Reload the page', actions.onReload)]),
          ]),
        ]);
      }
    },
  };
}
