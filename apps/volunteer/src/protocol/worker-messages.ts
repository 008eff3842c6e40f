// The contract between the page and its training worker: discriminated unions for both directions, and runtime
// checks (readMainToWorker, readWorkerToMain) that turn an unknown `event.data` into a typed message or throw.
import type { VolunteerEvent, VolunteerOutcome } from '@splitlora/client';
import type { BackendName } from '@splitlora/protocol';
import { BACKEND_NAMES, OUTCOMES } from './closed-lists.js';
import {
  type Fields, fail, list, MessageShapeError, num, oneOf, onlyKeys, optionalStr, record, str,
} from './shape-checks.js';
import { checkVolunteerEvent } from './volunteer-event-check.js';

/** A chosen file handed to the worker: it reads the bytes itself, so the page never holds them. */
export interface FileHandoff {
  id: string;
  name: string;
  blob: Blob;
}

// ---- page → worker ----
export type MainToWorker =
  /** Select a backend and fetch the tokenizer; maxSeqLen sizes the example counts shown before training. */
  | { type: 'init'; serverUrl: string; maxSeqLen: number }
  | { type: 'add-files'; files: FileHandoff[] }
  | { type: 'remove-file'; id: string }
  /** Consent given and files chosen: connect to the server and train (as the volunteer of `resumeToken`, if set). */
  | { type: 'start'; name?: string; invite?: string; resumeToken?: string }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'leave' };

/** What the worker found in one file; `error` set means the file is not used. */
export interface FileReport {
  id: string;
  name: string;
  bytes: number;
  format: string | null;
  examples: number;
  tokens: number;
  preview: string[];
  error?: string;
}

// ---- worker → page ----
export type WorkerToMain =
  /** The tfjs backend in use; `label` for people ("WebGPU (SwiftShader adapter)"), `detail` says why. */
  | { type: 'backend'; backend: BackendName; label: string; detail: string }
  /** No tfjs backend could start: training is impossible on this device; `message` lists why each failed. */
  | { type: 'no-backend'; message: string }
  /** The tokenizer for counting tokens loaded, or why not (files cannot be checked without it). */
  | { type: 'tokenizer'; error?: string }
  | { type: 'file-parsed'; file: FileReport }
  | { type: 'volunteer-event'; event: VolunteerEvent }
  | { type: 'outcome'; outcome: VolunteerOutcome }
  /** The worker cannot go on (no backend, an unexpected exception); the page shows the message. */
  | { type: 'fatal'; message: string };

const MAIN_TYPES = ['init', 'add-files', 'remove-file', 'start', 'pause', 'resume', 'leave'] as const;
const WORKER_TYPES = ['backend', 'no-backend', 'tokenizer', 'file-parsed', 'volunteer-event', 'outcome', 'fatal'] as const;

function typeOf<T extends string>(m: Fields, allowed: readonly T[], where: string): T {
  const type = m['type'];
  if (typeof type !== 'string' || !(allowed as readonly string[]).includes(type)) fail(`${where}.type`, `one of ${allowed.join(', ')}`, type);
  return type as T;
}

function checkHandoff(value: unknown, where: string): FileHandoff {
  const f = record(value, where);
  onlyKeys(f, ['id', 'name', 'blob'], where);
  const blob = f['blob'];
  if (typeof Blob === 'undefined' || !(blob instanceof Blob)) fail(`${where}.blob`, 'a File or Blob', blob);
  return { id: str(f, 'id', where, { min: 1, max: 100 }), name: str(f, 'name', where, { min: 1, max: 1000 }), blob };
}

/** A message's fields, its type (one of `allowed`), and where it is for error messages (`<where> "<type>"`). */
function header<T extends string>(value: unknown, where: string, allowed: readonly T[]): { m: Fields; type: T; at: string } {
  const m = record(value, where);
  const type = typeOf(m, allowed, where);
  return { m, type, at: `${where} "${type}"` };
}

export function readMainToWorker(value: unknown): MainToWorker {
  const { m, type, at } = header(value, 'page→worker message', MAIN_TYPES);
  switch (type) {
    case 'init': {
      onlyKeys(m, ['type', 'serverUrl', 'maxSeqLen'], at);
      const serverUrl = str(m, 'serverUrl', at, { min: 1 });
      if (!/^https?:\/\//.test(serverUrl)) fail(`${at}.serverUrl`, 'an http(s) URL', serverUrl);
      return { type, serverUrl, maxSeqLen: num(m, 'maxSeqLen', at, { int: true, min: 1 }) };
    }
    case 'add-files': {
      onlyKeys(m, ['type', 'files'], at);
      return { type, files: list(m, 'files', at).map((f, i) => checkHandoff(f, `${at}.files[${i}]`)) };
    }
    case 'remove-file':
      onlyKeys(m, ['type', 'id'], at);
      return { type, id: str(m, 'id', at, { min: 1, max: 100 }) };
    case 'start': {
      onlyKeys(m, ['type', 'name', 'invite', 'resumeToken'], at);
      const name = optionalStr(m, 'name', at, { max: 40 });
      const invite = optionalStr(m, 'invite', at, { max: 200 });
      const resumeToken = optionalStr(m, 'resumeToken', at, { max: 200 });
      return { type, ...(name === undefined ? {} : { name }), ...(invite === undefined ? {} : { invite }), ...(resumeToken === undefined ? {} : { resumeToken }) };
    }
    case 'pause':
    case 'resume':
    case 'leave':
      onlyKeys(m, ['type'], at);
      return { type };
  }
}

function checkReport(value: unknown, where: string): FileReport {
  const r = record(value, where);
  onlyKeys(r, ['id', 'name', 'bytes', 'format', 'examples', 'tokens', 'preview', 'error'], where);
  const format = r['format'] === null ? null : str(r, 'format', where);
  const preview = list(r, 'preview', where).map((line, i) => {
    if (typeof line !== 'string') fail(`${where}.preview[${i}]`, 'a string', line);
    return line;
  });
  const report: FileReport = {
    id: str(r, 'id', where, { min: 1 }), name: str(r, 'name', where), bytes: num(r, 'bytes', where, { int: true, min: 0 }), format,
    examples: num(r, 'examples', where, { int: true, min: 0 }), tokens: num(r, 'tokens', where, { int: true, min: 0 }), preview,
  };
  const error = optionalStr(r, 'error', where);
  return error === undefined ? report : { ...report, error };
}

export function readWorkerToMain(value: unknown): WorkerToMain {
  const { m, type, at } = header(value, 'worker→page message', WORKER_TYPES);
  switch (type) {
    case 'backend': {
      onlyKeys(m, ['type', 'backend', 'label', 'detail'], at);
      return { type, backend: oneOf(m, 'backend', BACKEND_NAMES, at), label: str(m, 'label', at, { min: 1 }), detail: str(m, 'detail', at) };
    }
    case 'no-backend':
      onlyKeys(m, ['type', 'message'], at);
      return { type, message: str(m, 'message', at, { min: 1 }) };
    case 'tokenizer': {
      onlyKeys(m, ['type', 'error'], at);
      const error = optionalStr(m, 'error', at);
      return error === undefined ? { type } : { type, error };
    }
    case 'file-parsed':
      onlyKeys(m, ['type', 'file'], at);
      return { type, file: checkReport(m['file'], `${at}.file`) };
    case 'volunteer-event':
      onlyKeys(m, ['type', 'event'], at);
      return { type, event: checkVolunteerEvent(m['event'], `${at}.event`) };
    case 'outcome':
      onlyKeys(m, ['type', 'outcome'], at);
      return { type, outcome: oneOf(m, 'outcome', OUTCOMES, at) };
    case 'fatal':
      onlyKeys(m, ['type', 'message'], at);
      return { type, message: str(m, 'message', at, { min: 1 }) };
  }
}

export { MessageShapeError };
