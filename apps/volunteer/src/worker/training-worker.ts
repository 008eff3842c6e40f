// The training worker's entry: checks each message from the page, selects the tfjs backend, reads the files,
// and runs the Volunteer; everything it says back is a typed WorkerToMain message.
import type { Volunteer } from '@splitlora/client';
import type { Gpt2Tokenizer } from '@splitlora/core';
import { type MainToWorker, readMainToWorker, type WorkerToMain } from '../protocol/worker-messages.js';
import { indexedDbAssetCache } from './indexeddb-asset-cache.js';
import { LocalFiles } from './local-files.js';
import { type BackendSelection, selectBackend } from './select-backend.js';
import { loadTokenizer } from './tokenizer-loader.js';
import { startVolunteer } from './volunteer-session.js';

/** The dedicated-worker scope, typed by hand because the page's tsconfig uses the DOM library. */
interface WorkerScope {
  postMessage(message: WorkerToMain): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
  addEventListener(type: 'unhandledrejection', listener: (event: PromiseRejectionEvent) => void): void;
}

const scope = self as unknown as WorkerScope;
const post = (message: WorkerToMain) => scope.postMessage(message);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const assetCache = indexedDbAssetCache({ onProblem: (message) => console.warn(message) });

interface Session {
  serverUrl: string;
  backend: Promise<BackendSelection>;
  files: LocalFiles;
}

let session: Session | null = null;
let volunteer: Volunteer | null = null;
/** Set from the first "start" until its Volunteer exists, so a double click cannot start two. */
let starting = false;

function init(serverUrl: string, maxSeqLen: number): void {
  if (session !== null) return;
  const backend = selectBackend();
  backend.then((selection) => post({ type: 'backend', ...selection }), (error: unknown) => post({ type: 'no-backend', message: messageOf(error) }));
  const tokenizer: Promise<Gpt2Tokenizer> = loadTokenizer(serverUrl);
  tokenizer.then(() => post({ type: 'tokenizer' }), (error: unknown) => post({ type: 'tokenizer', error: messageOf(error) }));
  session = { serverUrl, backend, files: new LocalFiles(tokenizer, maxSeqLen) };
}

function requireSession(action: string): Session {
  if (session === null) throw new Error(`"${action}" arrived before "init"; the page must send init first`);
  return session;
}

async function start({ name, invite, resumeToken }: Extract<MainToWorker, { type: 'start' }>): Promise<void> {
  const s = requireSession('start');
  if (volunteer !== null || starting) return; // already running
  if (s.files.count === 0) throw new Error('no usable files: add at least one file that can be read before starting');
  starting = true;
  let backend: BackendSelection['backend'];
  try {
    ({ backend } = await s.backend);
  } finally {
    starting = false;
  }
  volunteer = startVolunteer({
    serverUrl: s.serverUrl, backend, ...(name ? { name } : {}), ...(invite ? { invite } : {}), ...(resumeToken ? { resumeToken } : {}), files: s.files, cache: assetCache,
    onEvent: (event) => post({ type: 'volunteer-event', event }),
    onOutcome: (outcome) => {
      volunteer = null;
      post({ type: 'outcome', outcome });
    },
  });
}

async function handle(message: MainToWorker): Promise<void> {
  switch (message.type) {
    case 'init':
      return init(message.serverUrl, message.maxSeqLen);
    case 'add-files': {
      const files = requireSession('add-files').files;
      await Promise.all(message.files.map(async (file) => post({ type: 'file-parsed', file: await files.add(file) })));
      return;
    }
    case 'remove-file':
      return requireSession('remove-file').files.remove(message.id);
    case 'start':
      return start(message);
    case 'pause':
      return volunteer?.pause();
    case 'resume':
      return volunteer?.resume();
    case 'leave':
      return volunteer?.leave();
  }
}

scope.addEventListener('message', (event) => {
  let message: MainToWorker;
  try {
    message = readMainToWorker(event.data);
  } catch (error) {
    post({ type: 'fatal', message: `the worker refused a message: ${messageOf(error)}` });
    return;
  }
  handle(message).catch((error: unknown) => post({ type: 'fatal', message: messageOf(error) }));
});

scope.addEventListener('unhandledrejection', (event) => {
  post({ type: 'fatal', message: `unexpected error in the training worker: ${messageOf(event.reason)}` });
});
