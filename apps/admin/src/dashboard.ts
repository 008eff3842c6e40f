// The signed-in dashboard: folds admin:* events into the view state, renders the cards once per frame, and turns
// button presses into acknowledged requests whose errors are shown next to the button.
import { type AdminSnapshot, request, type RoundEvaluation, type RunConfig } from '@splitlora/protocol';
import { type AdminSocket, errorText, timeoutFor } from './connection.js';
import { isUnauthorized, REFUSED_TEXT } from './session.js';
import { clientLabels, lossSeries, roundSeries } from './state/chart-series.js';
import { reduceDashboard } from './state/dashboard-reducer.js';
import { EMPTY_DASHBOARD, type DashboardEvent, type DashboardState } from './state/dashboard-state.js';
import { roundProgress } from './state/round-progress.js';
import { ACTION_EVENTS, runControls, type RunAction } from './state/run-controls.js';
import { clientRows, downloadFolderName, roundRows } from './state/table-rows.js';
import { createAppShell, type ConnectionTone } from './views/app-shell.js';
import { createChartsView } from './views/charts-view.js';
import { createClientsView } from './views/clients-view.js';
import { saveFilesAsZip } from './views/download.js';
import { createLogView } from './views/log-view.js';
import { createRoundsView, type AdapterSide } from './views/rounds-view.js';
import { createRunFormView } from './views/run-form-view.js';
import { createRunStatusView } from './views/run-status-view.js';
import { createTryItView } from './views/try-it-view.js';

export interface Dashboard {
  element: HTMLElement;
  load(snapshot: AdminSnapshot): void;
  setConnection(tone: ConnectionTone, text: string): void;
  destroy(): void;
}

export interface DashboardOptions {
  socket: AdminSocket;
  onSignOut(): void;
  /** A request was refused for the token (it changed on the server): sign out with this message. */
  onRefused(message: string): void;
}

const OFFLINE_TEXT = 'Offline: waiting for the connection to come back.';

const ACTION_DONE: Record<RunAction, string> = {
  start: 'Run started.', pause: 'Run paused.', resume: 'Run resumed.', stop: 'Run stopped.',
};

export function mountDashboard({ socket, onSignOut, onRefused }: DashboardOptions): Dashboard {
  let state: DashboardState = EMPTY_DASHBOARD;
  let actionBusy = false;
  /** Requests made while offline would only wait for a timeout, so the buttons that send them are off then. */
  let online = true;

  const shell = createAppShell(onSignOut);
  const runStatus = createRunStatusView((action) => void runAction(action));
  const runForm = createRunFormView((config) => void createRun(config));
  const tryIt = createTryItView((req) => call(() => request(socket, 'generate', req, timeoutFor('generate'))));
  const charts = createChartsView();
  const clients = createClientsView();
  const rounds = createRoundsView(download, evaluate);
  /** The current run's E2E evaluations by round (admin:evaluation pushes, and evaluations:list on load). */
  let evaluations = new Map<number, RoundEvaluation>();
  let evaluationsOf: string | null = null;
  const log = createLogView();
  shell.side.append(runStatus.element, tryIt.element, runForm.element);
  shell.main.append(charts.element, rounds.element, clients.element, log.element);

  /** Runs a request; a refused token ends the session. */
  async function call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (isUnauthorized(error)) onRefused(REFUSED_TEXT);
      throw error;
    }
  }

  function dispatch(event: DashboardEvent): void {
    state = reduceDashboard(state, event);
    scheduleRender();
  }

  async function runAction(action: RunAction): Promise<void> {
    const run = state.run;
    if (run === null) return;
    if (action === 'stop' && !window.confirm(`Stop “${run.name}”? A stopped run cannot be resumed.`)) return;
    actionBusy = true;
    runStatus.setMessage('');
    scheduleRender();
    try {
      dispatch({ type: 'run', run: await call(() => request(socket, ACTION_EVENTS[action], { runId: run.runId }, timeoutFor(ACTION_EVENTS[action]))) });
      runStatus.setMessage(ACTION_DONE[action]);
    } catch (error) {
      runStatus.setMessage(`Could not ${action} the run: ${errorText(error)}`, 'error');
    } finally {
      actionBusy = false;
      scheduleRender();
    }
  }

  async function createRun(config: RunConfig): Promise<void> {
    runForm.setBusy(true);
    try {
      const run = await call(() => request(socket, 'run:create', config, timeoutFor('run:create')));
      dispatch({ type: 'run', run });
      runForm.setMessage(`Created “${run.name}”. Press Start in the Run card when volunteers are ready.`);
    } catch (error) {
      runForm.setMessage(`The server did not create the run: ${errorText(error)}`, 'error');
    } finally {
      runForm.setBusy(false);
    }
  }

  async function download(round: number, which: AdapterSide): Promise<void> {
    const run = state.run;
    if (run === null) return;
    try {
      const response = await call(() => request(socket, 'adapter:download', { runId: run.runId, round, which }, timeoutFor('adapter:download')));
      const folder = downloadFolderName(round, which);
      saveFilesAsZip(response.files, folder, `${folder}.zip`);
      rounds.setMessage(`Saved ${folder}.zip (${response.files.map((f) => f.name).join(' + ')}); unzip it and load the folder with PeftModel.from_pretrained.`);
    } catch (error) {
      rounds.setMessage(`Could not download the ${which} adapter of round ${round}: ${errorText(error)}`, 'error');
    }
  }

  async function evaluate(round: number, samples: number): Promise<void> {
    const run = state.run;
    if (run === null) return;
    try {
      const started = await call(() => request(socket, 'round:evaluate', { runId: run.runId, round, samples }, timeoutFor('round:evaluate')));
      setEvaluation(started);
      rounds.setMessage(`Evaluating round ${round} on ${samples} E2E test MRs in the background; training goes on.`);
    } catch (error) {
      rounds.setMessage(`Could not evaluate round ${round}: ${errorText(error)}`, 'error');
    }
  }

  function setEvaluation(record: RoundEvaluation): void {
    if (record.runId !== state.run?.runId) return;
    evaluations = new Map(evaluations).set(record.round, record);
    scheduleRender();
  }

  /** A new current run: its stored evaluations. */
  function syncEvaluations(): void {
    const runId = state.run?.runId ?? null;
    if (runId === evaluationsOf) return;
    evaluationsOf = runId;
    evaluations = new Map();
    if (runId === null) return;
    void call(() => request(socket, 'evaluations:list', { runId }, timeoutFor('evaluations:list')))
      .then((list) => list.forEach(setEvaluation))
      .catch((error: unknown) => rounds.setMessage(`Could not read the round evaluations: ${errorText(error)}`, 'error'));
  }

  // ---- rendering: at most once per frame, plus a 1 s tick for "last seen" and elapsed times ----
  let frame = 0;
  let chartsFrom: { steps: unknown; rounds: unknown; clients: unknown } | null = null;
  function scheduleRender(): void {
    if (frame === 0) frame = requestAnimationFrame(render);
  }
  const tick = setInterval(scheduleRender, 1000);

  function createBlockedReason(): string | null {
    if (!online) return OFFLINE_TEXT;
    return runControls(state.run?.state ?? null).create ? null : 'A run is in progress: stop it (or let it finish) before creating another.';
  }

  function render(): void {
    frame = 0;
    const now = Date.now();
    const { run } = state;
    const controls = runControls(run?.state ?? null, actionBusy || !online);
    const labels = clientLabels(state.clients);
    shell.setServer(state.server);
    runStatus.update({
      run, progress: roundProgress(run, state.steps), controls, nowMs: now,
      volunteersOnline: state.clients.filter((c) => c.state !== 'disconnected').length,
    });
    runForm.update({ server: state.server, currentConfig: run?.config ?? null, blockedReason: createBlockedReason() });
    tryIt.setEnabled(online && run !== null, online ? 'Create a run first: generation uses its model and adapters.' : OFFLINE_TEXT);
    if (chartsFrom === null || chartsFrom.steps !== state.steps || chartsFrom.rounds !== state.rounds || chartsFrom.clients !== state.clients) {
      chartsFrom = { steps: state.steps, rounds: state.rounds, clients: state.clients };
      charts.update(lossSeries(state.steps, run?.config.localSteps ?? 1, labels), roundSeries(state.rounds));
    }
    clients.update(clientRows(state.clients, now));
    syncEvaluations();
    rounds.update(roundRows(state.rounds, labels), online && run !== null, evaluations, now);
    log.update(state.logs);
  }

  // ---- live events ----
  socket.on('admin:run', (run) => dispatch({ type: 'run', run }));
  socket.on('admin:clients', (list) => dispatch({ type: 'clients', clients: list }));
  socket.on('admin:metric', (record) => dispatch({ type: 'metric', record }));
  socket.on('admin:log', (entry) => dispatch({ type: 'log', entry }));
  socket.on('admin:evaluation', setEvaluation);
  socket.on('protocol:error', (error) => shell.notify(`The server rejected ${error.event}: ${error.message} (${error.code})`, 'error'));

  return {
    element: shell.element,
    load(snapshot) {
      evaluationsOf = null; // (re)connected: read the evaluations again, pushes may have been missed
      dispatch({ type: 'snapshot', snapshot });
    },
    setConnection(tone, text) {
      shell.setConnection(tone, text);
      online = tone === 'online';
      scheduleRender();
    },
    destroy() {
      clearInterval(tick);
      cancelAnimationFrame(frame);
      for (const event of ['admin:run', 'admin:clients', 'admin:metric', 'admin:log', 'admin:evaluation', 'protocol:error'] as const) socket.off(event);
      charts.destroy();
      shell.element.remove();
    },
  };
}
