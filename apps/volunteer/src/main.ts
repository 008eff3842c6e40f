// Entry point of the volunteer page: consent, then files, then training. It holds the page state, sends the
// worker typed messages, and renders what the worker reports; the worker does the reading and the training.
import '@splitlora/web-kit/base.css';
import './styles.css';
import { fetchRunOverview, type RunOverview } from './api/run-overview.js';
import { FileList } from './files/file-list.js';
import { forgetAllFiles, forgetFile, saveFile, savedFiles } from './files/saved-files.js';
import type { WorkerToMain } from './protocol/worker-messages.js';
import { connectionOf, statusHeadline } from './state/status-text.js';
import { consentCovers, inviteFrom, loadSession, saveSession } from './state/saved-session.js';
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
// What survives a reload (this tab only: sessionStorage, so two tabs are two volunteers): consent, identity,
// invite, history, and the files themselves (IndexedDB, under this tab's id).
let saved = loadSession(sessionStorage);
// randomUUID exists only in secure contexts; the page also serves plain-HTTP tabs (which train on wasm).
const tabId = saved.tabId ?? (crypto.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);
if (saved.tabId === null) saved = saveSession(sessionStorage, { tabId });
const invite = inviteFrom(location.search, saved.invite);
if (invite !== saved.invite) saved = saveSession(sessionStorage, { invite });
/** The chosen files by id until the worker says whether they are usable (usable ones are kept for a reload). */
const chosenBlobs = new Map<string, File>();
/** Files restored from the last session, still being read; when none is left, a tab that was training starts. */
let restoring: Set<string> | null = null;
let lastHistorySave = 0;

const worker = startTrainingWorker(onWorkerMessage, showFatal);

const consent = createConsentView(location.host, () => {
  saved = saveSession(sessionStorage, { consent: { runId: overview?.run?.runId ?? null } });
  shell.show('files');
  document.getElementById('files-title')?.focus();
});
const filesView = createFilesView({
  onAdd: addFiles,
  onRemove(id) {
    const name = files.all().find((e) => e.id === id)?.name;
    if (files.remove(id)) worker.send({ type: 'remove-file', id });
    if (name !== undefined) void forgetFile(tabId, name);
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

/** Hands chosen (or restored) files to the worker; returns the ids it reads. */
function addFiles(chosen: File[]): string[] {
  const handoffs = chosen.flatMap((file) => {
    const entry = files.add(file.name, file.size);
    if (entry.state !== 'reading') return [];
    chosenBlobs.set(entry.id, file);
    return [{ id: entry.id, name: file.name, blob: file }];
  });
  if (handoffs.length > 0) worker.send({ type: 'add-files', files: handoffs });
  filesView.render(files);
  return handoffs.map((h) => h.id);
}

function startTraining(): void {
  const t = overview?.training;
  training = initialTrainingState(t?.rounds ?? 0, t?.localSteps ?? 0, overview?.volunteersOnline ?? null);
  // The same run after a reload: the chart and counts go on from where they were.
  const history = saved.history;
  if (history !== null && history.runId === overview?.run?.runId) {
    training = { ...training, losses: history.losses, roundsDone: history.roundsDone, tokensTrained: history.tokensTrained };
  }
  if (displayName === '' && saved.name !== '') displayName = saved.name;
  saved = saveSession(sessionStorage, { training: true, name: displayName });
  shell.show('training');
  trainingView.describeRun(t ?? null);
  renderTraining();
  document.getElementById('status-title')?.focus();
  worker.send({
    type: 'start', ...(displayName ? { name: displayName } : {}), ...(invite ? { invite } : {}),
    ...(saved.resumeToken ? { resumeToken: saved.resumeToken } : {}),
  });
}

/** Keeps what a reload must not lose, from the events that change it. */
function remember(event: Extract<WorkerToMain, { type: 'volunteer-event' }>['event']): void {
  if (training === null) return;
  if (event.type === 'identity') saved = saveSession(sessionStorage, { resumeToken: event.resumeToken, clientId: event.clientId });
  const runId = training.run?.runId;
  if (runId === undefined || (event.type !== 'step' && event.type !== 'round-end')) return;
  const now = Date.now();
  if (event.type === 'step' && now - lastHistorySave < 1000) return;
  lastHistorySave = now;
  saved = saveSession(sessionStorage, { history: { runId, losses: training.losses, roundsDone: training.roundsDone, tokensTrained: training.tokensTrained } });
}

/** A restored file was read: when the last one is, a tab that was training before the reload starts again. */
function restored(id: string): void {
  if (restoring === null || !restoring.delete(id) || restoring.size > 0) return;
  restoring = null;
  if (saved.training && files.all().some((e) => e.state === 'ready') && training === null) startTraining();
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
    case 'file-parsed': {
      if (files.applyReport(message.file)) filesView.render(files);
      const blob = chosenBlobs.get(message.file.id);
      chosenBlobs.delete(message.file.id);
      if (blob !== undefined && message.file.error === undefined) void saveFile(tabId, blob.name, blob);
      restored(message.file.id);
      return;
    }
    case 'volunteer-event':
      // Also a DOM event, for automation and embedding pages (the browser fleet follows training through it).
      window.dispatchEvent(new CustomEvent('splitlora:volunteer-event', { detail: message.event }));
      if (training === null) return;
      training = reduceTraining(training, message.event);
      remember(message.event);
      renderTraining();
      return;
    case 'outcome':
      if (training === null) return;
      // The session is over: nothing is kept for a reload (a new run asks for consent and files again), except after
      // an error, whose view offers a reload: the files stay chosen, and the volunteer presses Start again.
      saved = saveSession(sessionStorage, { training: false, resumeToken: null, history: null });
      if (message.outcome !== 'error') void forgetAllFiles(tabId);
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
    if (o.inviteRequired === true && invite === null) consent.showInviteNeeded();
    worker.send({ type: 'init', serverUrl, maxSeqLen: o.training?.maxSeqLen ?? FALLBACK_MAX_SEQ_LEN });
    void restoreFiles();
  },
  (error: unknown) => {
    consent.showRunProblem(error instanceof Error ? error.message : String(error));
    worker.send({ type: 'init', serverUrl, maxSeqLen: FALLBACK_MAX_SEQ_LEN });
    void restoreFiles();
  },
).finally(() => consent.enable());

/** The files of the last session (kept in this browser), handed to the worker again after a reload. */
async function restoreFiles(): Promise<void> {
  if (!consentCovers(saved, overview?.run?.runId ?? null)) return;
  shell.show('files');
  const kept = await savedFiles(tabId);
  if (kept.length === 0) return;
  restoring = new Set();
  const ids = addFiles(kept.map((f) => new File([f.blob], f.name, { type: f.blob.type })));
  ids.forEach((id) => restoring?.add(id));
  if (ids.length === 0) restoring = null;
}
