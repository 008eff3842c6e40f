// Joins the server's run from the worker: a socket.io connection (opened only now, after consent) and a Volunteer
// that trains on the local files, caches the client weights by hash, and reports every event to the page.
import { type AssetCache, Volunteer, type VolunteerEvent, type VolunteerOutcome, type VolunteerSocket } from '@splitlora/client';
import type { BackendName } from '@splitlora/protocol';
import { io } from 'socket.io-client';
import { fetchConnectionRefusal } from '../api/connection-check.js';
import type { LocalFiles } from './local-files.js';

export interface SessionOptions {
  serverUrl: string;
  backend: BackendName;
  name?: string;
  /** The run's invite token (the page's ?invite=), sent in the handshake. */
  invite?: string;
  /** The resume token of the session before a reload: the server knows this volunteer again. */
  resumeToken?: string;
  files: LocalFiles;
  cache: AssetCache;
  onEvent: (event: VolunteerEvent) => void;
  onOutcome: (outcome: VolunteerOutcome) => void;
}

export function startVolunteer(options: SessionOptions): Volunteer {
  const socket = io(options.serverUrl, {
    forceNew: true, autoConnect: false, transports: ['websocket'], ...(options.invite ? { auth: { invite: options.invite } } : {}),
  }) as VolunteerSocket;
  const volunteer = new Volunteer({
    socket,
    backend: options.backend,
    ...(options.name ? { name: options.name } : {}),
    ...(options.resumeToken ? { resumeToken: options.resumeToken } : {}),
    cache: options.cache,
    onEvent: options.onEvent,
    explainConnectError: () => fetchConnectionRefusal(options.serverUrl),
    loadExamples: (tokenizer, maxSeqLen) => options.files.examples(tokenizer, maxSeqLen),
  });
  void volunteer.run().then(options.onOutcome);
  return volunteer;
}
