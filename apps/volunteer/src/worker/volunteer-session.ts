// Joins the server's run from the worker: a socket.io connection (opened only now, after consent) and a Volunteer
// that trains on the local files, caches the client weights by hash, and reports every event to the page.
import { type AssetCache, Volunteer, type VolunteerEvent, type VolunteerOutcome, type VolunteerSocket } from '@splitlora/client';
import type { BackendName } from '@splitlora/protocol';
import { io } from 'socket.io-client';
import type { LocalFiles } from './local-files.js';

export interface SessionOptions {
  serverUrl: string;
  backend: BackendName;
  name?: string;
  files: LocalFiles;
  cache: AssetCache;
  onEvent: (event: VolunteerEvent) => void;
  onOutcome: (outcome: VolunteerOutcome) => void;
}

export function startVolunteer(options: SessionOptions): Volunteer {
  const socket = io(options.serverUrl, { forceNew: true, autoConnect: false, transports: ['websocket'] }) as VolunteerSocket;
  const volunteer = new Volunteer({
    socket,
    backend: options.backend,
    ...(options.name ? { name: options.name } : {}),
    cache: options.cache,
    onEvent: options.onEvent,
    loadExamples: (tokenizer, maxSeqLen) => options.files.examples(tokenizer, maxSeqLen),
  });
  void volunteer.run().then(options.onOutcome);
  return volunteer;
}
