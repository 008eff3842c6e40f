// The page frame: header (brand, the backend in use, the connection), the three-step indicator, and the screens.
import type { BackendName } from '@splitlora/protocol';
import { backendDisplayName } from '../backend/backend-label.js';
import type { Connection } from '../state/status-text.js';
import { h, ICONS, icon, setText } from './dom.js';

export type ScreenName = 'consent' | 'files' | 'training';

const STEPS: { screen: ScreenName; label: string }[] = [
  { screen: 'consent', label: 'Consent' },
  { screen: 'files', label: 'Your files' },
  { screen: 'training', label: 'Training' },
];

export interface AppShell {
  element: HTMLElement;
  screens: Record<ScreenName, HTMLElement>;
  show(screen: ScreenName): void;
  setBackend(backend: BackendName, label: string, detail: string): void;
  setBackendProblem(message: string): void;
  setConnection(connection: Connection): void;
  /** A page-level error shown above the screens (before training; training shows its own). */
  showProblem(message: string): void;
}

export function createAppShell(): AppShell {
  const backendChip = h('span', { class: 'chip chip-pending', id: 'backend', title: 'Choosing how this device will compute' }, [
    icon(ICONS.chip), h('span', { class: 'chip-text' }, ['Checking this device…']), h('span', { class: 'chip-short', 'aria-hidden': 'true' }, ['Checking…']),
  ]);
  const connectionLabel = document.createTextNode('Not connected');
  const connectionDetail = h('span', { class: 'conn-detail' }, [' · nothing sent']);
  const connection = h('span', { class: 'conn conn-idle', id: 'connection', role: 'status' }, [h('span', {}, [connectionLabel, connectionDetail])]);
  const header = h('header', { class: 'topbar' }, [
    h('div', { class: 'topbar-inner' }, [
      h('a', { class: 'brand', href: '/', 'aria-label': 'SplitLoRA volunteer page' }, [
        h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'SplitLoRA', h('span', { class: 'brand-sub' }, ['Volunteer']),
      ]),
      h('div', { class: 'topbar-right' }, [backendChip, connection]),
    ]),
  ]);
  const stepItems = STEPS.map((s, i) => h('li', { class: 'step', 'data-screen': s.screen }, [
    h('span', { class: 'step-number', 'aria-hidden': 'true' }, [String(i + 1)]), h('span', { class: 'step-label' }, [s.label]),
  ]));
  const stepper = h('nav', { class: 'stepper', 'aria-label': 'Progress' }, [h('ol', {}, stepItems)]);
  const screens: Record<ScreenName, HTMLElement> = {
    consent: h('section', { class: 'screen', id: 'consent-screen', 'aria-label': 'What is shared' }),
    files: h('section', { class: 'screen', id: 'files-screen', 'aria-label': 'Your files', hidden: true }),
    training: h('section', { class: 'screen', id: 'training-screen', 'aria-label': 'Training', hidden: true }),
  };
  const problem = h('p', { class: 'banner banner-bad', id: 'page-problem', role: 'alert', hidden: true });
  const main = h('main', { class: 'page', id: 'main' }, [stepper, problem, screens.consent, screens.files, screens.training]);
  const footer = h('footer', { class: 'footer' }, [
    h('p', {}, ['SplitLoRA Web · split federated LoRA fine-tuning of GPT-2 · your files are read in this tab and never uploaded.']),
  ]);
  const element = h('div', { class: 'app' }, [header, main, footer]);

  return {
    element,
    screens,
    show(screen) {
      const current = STEPS.findIndex((s) => s.screen === screen);
      for (const [name, section] of Object.entries(screens)) section.hidden = name !== screen;
      stepItems.forEach((item, i) => {
        item.classList.toggle('step-done', i < current);
        item.classList.toggle('step-current', i === current);
        if (i === current) item.setAttribute('aria-current', 'step');
        else item.removeAttribute('aria-current');
      });
      window.scrollTo({ top: 0 });
    },
    setBackend(backend, label, detail) {
      backendChip.className = `chip chip-${backend === 'webgpu' ? 'fast' : backend === 'cpu' ? 'slow' : 'ok'}`;
      backendChip.dataset['backend'] = backend;
      backendChip.title = detail;
      setText(backendChip.querySelector('.chip-text')!, label);
      setText(backendChip.querySelector('.chip-short')!, backendDisplayName(backend));
    },
    setBackendProblem(message) {
      backendChip.className = 'chip chip-slow';
      backendChip.title = message;
      setText(backendChip.querySelector('.chip-text')!, 'No compute backend');
      setText(backendChip.querySelector('.chip-short')!, 'No backend');
    },
    showProblem(message) {
      problem.hidden = false;
      setText(problem, message);
    },
    setConnection(c) {
      if (connection.className !== `conn conn-${c.tone}`) connection.className = `conn conn-${c.tone}`;
      if (connectionLabel.data !== c.text) connectionLabel.data = c.text;
      setText(connectionDetail, c.detail ?? '');
    },
  };
}
