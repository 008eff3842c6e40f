// The closed list of error codes a request can be answered with, and the ack envelope that carries them.

export const ERROR_CODES = {
  /** The payload does not match the event's schema (field, type, range). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** The client speaks another protocol version. */
  PROTOCOL_VERSION: 'PROTOCOL_VERSION',
  /** The event name is not part of the protocol. */
  UNKNOWN_EVENT: 'UNKNOWN_EVENT',
  /** Admin request without the right token. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** A training message from a socket that has not joined. */
  NOT_JOINED: 'NOT_JOINED',
  /** No run exists (or not the one named). */
  NO_RUN: 'NO_RUN',
  /** The run is not in a state that allows this (e.g. start twice, train while paused). */
  RUN_STATE: 'RUN_STATE',
  /** The message is stamped with another run, an old round or a step out of order. */
  STALE: 'STALE',
  /** The client is not a participant of the current round. */
  NOT_SELECTED: 'NOT_SELECTED',
  /** Sequential split learning: a participant trains or reports while another volunteer's turn is running. */
  NOT_YOUR_TURN: 'NOT_YOUR_TURN',
  /** A tensor's shape does not fit the run (batch, sequence length, width, adapter layout). */
  SHAPE_MISMATCH: 'SHAPE_MISMATCH',
  /** A tensor has a dtype the run does not accept. */
  DTYPE: 'DTYPE',
  /** A tensor holds NaN or ±Infinity. */
  NON_FINITE: 'NON_FINITE',
  /** A finite value beyond the bounds the run accepts: a tensor's magnitude, an adapter update's norm. */
  OUT_OF_RANGE: 'OUT_OF_RANGE',
  /** This connection already holds a session, or its address holds as many as the server allows. */
  TOO_MANY_SESSIONS: 'TOO_MANY_SESSIONS',
  /** A payload is larger than the run allows. */
  TOO_LARGE: 'TOO_LARGE',
  /** The client sends faster than its rate limit. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A named thing (round, adapter, file, model) does not exist. */
  NOT_FOUND: 'NOT_FOUND',
  /** The request is valid but cannot be served now (model loading, round closing); try again. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** An unexpected server error; details are in the server log, never in the reply. */
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export type AckCallback<T> = (response: Ack<T>) => void;

export function okAck<T>(data: T): Ack<T> {
  return { ok: true, data };
}

export function errorAck(code: ErrorCode, message: string): Ack<never> {
  return { ok: false, error: { code, message } };
}

/** An error that crosses the wire with its code; anything else becomes INTERNAL. */
export class ProtocolError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Unwraps an ack: the data, or a ProtocolError with the server's code and message. */
export function unwrapAck<T>(response: Ack<T>): T {
  if (response.ok) return response.data;
  throw new ProtocolError(response.error.code, response.error.message);
}
