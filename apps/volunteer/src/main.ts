// Entry point of the volunteer page: consent, then files, then training. It holds the page state, sends the
// worker typed messages, and renders what the worker reports; the worker does the reading and the training.
import '@splitlora/web-kit/base.css';
import './styles.css';
import { fetchRunOverview, type RunOverview } from './api/run-overview.js';
import { FileList } from './files/file-list.js';
import type { WorkerToMain } from './protocol/worker-messages.js';
import { connectionOf, statusHeadline } from './state/status-text.js';
import { initialTrainingState, reduceTraining, type TrainingState, withOutcome, withPausedByYou } from './state/training-state.js';
import { createAppShell } from './views/app-shell.js';
import { createConsentView } from './views/consent-view.js';
import { createFilesView } from './views/files-view.js';
import { createTrainingView } from './views/training-view.js';
import { startTrainingWorker } from './worker-client.js';

/** Window used for the example counts shown before training when no run is open (the tiny model's length). */
const FALLBACK_MAX_SEQ_LEN = 512;

const root = document.getElementById('app');
if (root === null) throw new Error('volunteer page: expected an element with id "app" in index.html, found none');

const serverUrl = location.origin;
const shell = createAppShell();
const files = new FileList();
let overview: RunOverview | null = null;
let training: TrainingState | null = null;
let displayName = '';

const worker = startTrainingWorker(onWorkerMessage, showFatal);

const consent = createConsentView(location.host, () => {
  shell.show('files');
  document.getElementById('files-title')?.focus();
});
const filesView = createFilesView({
  onAdd(chosen) {
    const handoffs = chosen.flatMap((file) => {
      const entry = files.add(file.name, file.size);
      return entry.state === 'reading' ? [{ id: entry.id, name: file.name, blob: file }] : [];
    });
    if (handoffs.length > 0) worker.send({ type: 'add-files', files: handoffs });
    filesView.render(files);
  },
  onRemove(id) {
    if (files.remove(id)) worker.send({ type: 'remove-file', id });
    filesView.render(files);
  },
  onStart(name) {
    displayName = name;
    startTraining();
  },
  onBack: () => shell.show('consent'),
});
const trainingView = createTrainingView({
  onPause: () => setPaused(true),
  onResume: () => setPaused(false),
  onLeave: () => worker.send({ type: 'leave' }),
  onRejoin: startTraining,
  onReload: () => location.reload(),
});

shell.screens.consent.append(consent.element);
shell.screens.files.append(filesView.element);
shell.screens.training.append(trainingView.element);
root.replaceChildren(shell.element);
shell.show('consent');
filesView.render(files);

function startTraining(): void {
  const t = overview?.training;
  training = initialTrainingState(t?.rounds ?? 0, t?.localSteps ?? 0, overview?.volunteersOnline ?? null);
  shell.show('training');
  renderTraining();
  document.getElementById('status-title')?.focus();
  worker.send({ type: 'start', ...(displayName ? { name: displayName } : {}) });
}

function setPaused(paused: boolean): void {
  if (training === null) return;
  worker.send({ type: paused ? 'pause' : 'resume' });
  training = withPausedByYou(training, paused);
  renderTraining();
  document.getElementById(paused ? 'resume-button' : 'pause-button')?.focus();
}

function renderTraining(): void {
  if (training === null) return;
  trainingView.render(training);
  shell.setConnection(connectionOf(training));
  document.title = `${statusHeadline(training).title} · SplitLoRA`;
}

function showFatal(message: string): void {
  if (training !== null) {
    training = { ...reduceTraining(training, { type: 'status', status: 'error', message }), outcome: training.outcome ?? 'error' };
    renderTraining();
  } else {
    shell.showProblem(message);
  }
}

function onWorkerMessage(message: WorkerToMain): void {
  switch (message.type) {
    case 'backend':
      shell.setBackend(message.backend, message.label, message.detail);
      trainingView.setBackend(message.label, message.detail);
      return;
    case 'tokenizer':
      filesView.setTokenizerState(message.error ?? null);
      return;
    case 'file-parsed':
      if (files.applyReport(message.file)) filesView.render(files);
      return;
    case 'volunteer-event':
      // Also a DOM event, for automation and embedding pages (the browser fleet follows training through it).
      window.dispatchEvent(new CustomEvent('splitlora:volunteer-event', { detail: message.event }));
      if (training === null) return;
      training = reduceTraining(training, message.event);
      renderTraining();
      return;
    case 'outcome':
      if (training === null) return;
      training = withOutcome(training, message.outcome);
      renderTraining();
      return;
    case 'no-backend':
      shell.setBackendProblem(message.message);
      showFatal(`This device cannot train: ${message.message}`);
      return;
    case 'fatal':
      showFatal(message.message);
      return;
  }
}

// The run's description sizes the example counts; the worker starts selecting a backend at once.
fetchRunOverview(serverUrl).then(
  (o) => {
    overview = o;
    consent.showRun(o);
    worker.send({ type: 'init', serverUrl, maxSeqLen: o.training?.maxSeqLen ?? FALLBACK_MAX_SEQ_LEN });
  },
  (error: unknown) => {
    consent.showRunProblem(error instanceof Error ? error.message : String(error));
    worker.send({ type: 'init', serverUrl, maxSeqLen: FALLBACK_MAX_SEQ_LEN });
  },
).finally(() => consent.enable());
