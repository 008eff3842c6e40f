// The first screen: what this run trains (from GET /api/run), what leaves the browser and what never does,
// and the consent button. No connection to the training server exists while it is shown.
import { type ActivationNoiseFigures, activationNoiseSummary, type LayoutName, trainsBlocks, trainsLocally } from '@splitlora/protocol';
import type { RunOverview, TrainingSummary } from '../api/run-overview.js';
import { formatBytes, formatCompact, formatInteger } from '../format/format.js';
import { type Child, h, ICONS, icon, setChildren } from './dom.js';
import { fedloraUploadBytes } from './fedlora-leaves.js';
import { flowItem as item, whatLeaves } from './what-leaves.js';

export interface ConsentView {
  element: HTMLElement;
  showRun(overview: RunOverview): void;
  showRunProblem(message: string): void;
  /** The run takes volunteers by invitation and this page was not opened from the invite link. */
  showInviteNeeded(): void;
  /** The consent button waits until the run's description has loaded (or failed to). */
  enable(): void;
}

function fact(label: string, value: Child, hint?: string): HTMLElement {
  return h('div', { class: 'fact' }, [
    h('dt', {}, [label]), h('dd', {}, [value, hint ? h('span', { class: 'fact-hint' }, [hint]) : null]),
  ]);
}

function layersText(t: TrainingSummary): string {
  return t.layers === null ? `the first ${t.cut} blocks` : `blocks 1–${t.cut} of ${t.layers}`;
}

function runFacts(o: RunOverview): HTMLElement {
  const t = o.training;
  if (o.run === null || t === null) {
    return h('p', { class: 'notice' }, [
      'No training run is open right now. You can still read what is shared and prepare your files; ',
      'once you start, this tab waits and joins when the organiser opens a run.',
    ]);
  }
  const state = o.run.state === 'waiting' ? 'waiting for volunteers' : o.run.state;
  const blocks = trainsBlocks(t.method);
  const fedlora = t.method === 'fedlora';
  const weights = t.weights === 'random' ? 'random weights' : 'pretrained';
  return h('dl', { class: 'facts' }, [
    fact('Model', h('span', { class: 'mono' }, [t.model]), blocks ? `GPT-2 family, ${weights}, full-parameter blocks (FedCyBGD)` : `GPT-2 family, ${weights}, LoRA rank ${t.loraRank}`),
    layoutFact(t),
    fact('Your tab trains', fedlora ? 'LoRA adapters on every block of the model (it holds the whole model)' : t.method === 'cybgd' ? 'one whole block of the model per round (it holds the whole model)' : blocks ? `one whole block of ${layersText(t)} per round` : `the embeddings + ${layersText(t)}${t.layout === 'u-shaped' ? ' + the final norm and head' : ''}`,
      t.clientTrainable !== null ? `${formatCompact(t.clientTrainable)} trainable ${blocks ? 'weights in that block' : 'adapter weights'}` : undefined),
    fact('Sent from this tab', t.uploads, fedlora && fedloraUploadBytes(t) !== null ? `${formatBytes(fedloraUploadBytes(t)!)} per round` : undefined),
    fact('Rounds', `${t.rounds} × ${t.localSteps} local steps`, `now: ${state}`),
    fact('Each step', `${t.batchSize} windows × ${t.maxSeqLen} tokens`, trainsLocally(t.method) ? 'computed in this tab; only its loss is sent' : `sent as ${t.wireDtype}`),
    fact('Volunteers online', formatInteger(o.volunteersOnline), 'connected right now'),
    ...privacyFacts(t),
    t.downloadBytes !== undefined ? fact('Download', `${formatBytes(t.downloadBytes)} once`, 'model layers and tokenizer, kept in this browser') : null,
  ]);
}

/** Where the model is cut, and so who computes the loss (the cybgd method runs the whole model in the tab). */
function layoutFact(t: TrainingSummary): HTMLElement {
  if (trainsLocally(t.method)) return fact('Layout', 'whole model in this tab', 'your tab computes the loss; no activations or token ids are sent');
  if (t.layout === 'u-shaped') return fact('Layout', 'u-shaped: your tab keeps the output head', 'labels and losses stay in this tab');
  return fact('Layout', 'standard: the server computes the loss', 'the server receives your token ids');
}

/** The lead under the title: what this tab and the server train in the run's method and layout. */
function leadText(t: TrainingSummary | null): string {
  if (t?.method === 'cybgd') {
    return 'Your browser holds the whole model and trains one of its blocks with all its weights each round, on text files you choose. '
      + 'A server keeps the latest version of every block and combines the blocks all volunteers trained after every round.';
  }
  if (t?.method === 'fedlora') {
    return 'Your browser holds the whole model and trains small LoRA adapters on all of its blocks, on text files you choose. '
      + 'A server only averages the adapters of all volunteers after every round.';
  }
  if (t?.method === 'cybgd-split') {
    return 'Your browser trains one of the model’s first blocks with all its weights each round, on text files you choose. '
      + 'A server trains the remaining layers and combines the blocks all volunteers trained after every round.';
  }
  if (t?.method === 'sl') {
    return 'When its turn comes, your browser trains the first layers of the model, with small LoRA adapters, on text files you choose. '
      + 'A server trains the remaining layers and hands your adapter on to the next volunteer in line.';
  }
  if (t?.layout === 'u-shaped') {
    return 'Your browser trains the first layers and the output head of the model, with small LoRA adapters, on text files you choose. '
      + 'A server trains the middle layers and averages the adapters of all volunteers after every round.';
  }
  return 'Your browser trains the first layers of the model, with small LoRA adapters, on text files you choose. '
    + 'A server trains the remaining layers and averages the adapters of all volunteers after every round.';
}

/** What the run's privacy options do for the volunteer — and what they do not (docs/PRIVACY.md). */
function privacyFacts(t: TrainingSummary): HTMLElement[] {
  const p = t.privacy;
  const facts: HTMLElement[] = [];
  const steps = t.method === 'fedlora' ? 'no step data leaves this tab in this method' : 'the activations and labels of each step still reach the server in the clear';
  if (p?.secureAggregation) {
    facts.push(fact('Secure aggregation: on', 'The server learns only the sum of all volunteers’ adapter updates, never yours alone',
      `your tab masks its update with keys agreed with the other volunteers; ${steps}`));
  }
  if (p?.dp) {
    const budget = p.dp.epsilonBudget === null ? 'ε is reported after every round' : `the run stops at ε = ${p.dp.epsilonBudget}`;
    facts.push(fact('Differential privacy: on', `Noise (σ = ${p.dp.noiseMultiplier}) hides any one volunteer in the averaged adapters`,
      `each update is limited to norm ${p.dp.clipNorm}; ${budget} (δ = ${p.dp.delta}); it covers the shared client adapters${t.method === 'fedlora' ? '' : ', not the per-step activations and labels'}`));
  }
  if (p?.activationNoise) facts.push(activationNoiseFact(p.activationNoise, t.layout ?? 'standard'));
  const update = trainsBlocks(t.method) ? 'trained block' : 'adapter update';
  if (facts.length === 0 && p !== undefined) facts.push(fact('Privacy protection', 'None beyond what is listed below', `the server sees your ${update} in the clear; this run uses neither differential privacy nor secure aggregation`));
  return facts;
}

/** Noise on the cut activations: the run's per-example ε for one release and for its planned releases, and what it leaves uncovered. */
function activationNoiseFact(noise: ActivationNoiseFigures, layout: LayoutName): HTMLElement {
  const figure = noise.epsilonOneRelease === null || noise.epsilonPlanned === null
    ? 'Clipping only (σ = 0): no privacy guarantee for the activations'
    : `ε = ${noise.epsilonOneRelease.toFixed(2)} per training window sent once; ε = ${noise.epsilonPlanned.toFixed(2)} if it is sent once per round for all ${noise.plannedReleases} rounds (δ = ${noise.delta})`;
  return fact('Activation noise: on', figure, `${activationNoiseSummary(noise, layout)} Your tab counts how often it sent each window and shows your own figure while training.`);
}

export function createConsentView(serverHost: string, onConsent: () => void): ConsentView {
  const runBody = h('div', { class: 'card-body', 'aria-live': 'polite' }, [h('p', { class: 'muted' }, ['Loading the run…'])]);
  const runTitle = h('h2', { class: 'card-title' }, ['This run']);
  const lead = h('p', { class: 'lead', id: 'lead' }, [leadText(null)]);
  const leaves = h('ul', { class: 'flows card-body', id: 'what-leaves' }, whatLeaves(null));
  const consentButton = h('button', { class: 'btn btn-primary btn-large', type: 'button', id: 'consent-button', disabled: true }, ['I understand — choose my files']);
  consentButton.addEventListener('click', onConsent);

  const element = h('div', { class: 'stack' }, [
    h('div', { class: 'hero' }, [
      h('p', { class: 'eyebrow' }, ['Volunteer computing for language models']),
      h('h1', {}, ['Help fine-tune GPT-2 from this tab. Your files stay on your device.']),
      lead,
    ]),
    h('section', { class: 'card', 'aria-label': 'This run' }, [h('div', { class: 'card-header' }, [runTitle]), runBody]),
    h('div', { class: 'grid-2' }, [
      h('section', { class: 'card', 'aria-labelledby': 'leaves-title' }, [
        h('div', { class: 'card-header' }, [h('h2', { class: 'card-title', id: 'leaves-title' }, ['What leaves this browser'])]),
        leaves,
        h('p', { class: 'card-foot muted' }, [`All of it goes to ${serverHost}, the server that served this page.`]),
      ]),
      h('section', { class: 'card', 'aria-labelledby': 'stays-title' }, [
        h('div', { class: 'card-header' }, [h('h2', { class: 'card-title', id: 'stays-title' }, ['What never leaves'])]),
        h('ul', { class: 'flows card-body' }, [
          item('keep', 'Your files', [
            'They are opened by a background worker in this tab. The preview, token count and number of examples you will see are computed here; the files are never uploaded.',
          ]),
          item('keep', 'File names and anything you do not add', ['Only the training windows of the files you add are used, and only in the forms listed under “What leaves this browser”.']),
          item('keep', 'Anything before you press Start', ['Until you start training, no connection to the training server is open. You can pause or leave at any time.']),
        ]),
      ]),
    ]),
    h('div', { class: 'consent-bar' }, [
      h('p', {}, [icon(ICONS.lock), ' Nothing has been sent: no connection is open yet.']),
      consentButton,
    ]),
  ]);

  return {
    element,
    showRun(overview) {
      runTitle.textContent = overview.run === null ? 'This run' : `This run: ${overview.run.name}`;
      setChildren(runBody, [runFacts(overview)]);
      setChildren(leaves, whatLeaves(overview.training));
      lead.textContent = leadText(overview.training);
    },
    enable() {
      consentButton.disabled = false;
    },
    showInviteNeeded() {
      runBody.append(h('p', { class: 'notice notice-bad', role: 'alert', id: 'invite-needed' }, [
        'This run takes volunteers by invitation: open the invite link the organiser gave you (it ends in ?invite=…).',
      ]));
    },
    showRunProblem(message) {
      setChildren(runBody, [h('p', { class: 'notice notice-bad', role: 'alert' }, [`Could not reach the training server: ${message}`])]);
    },
  };
}
