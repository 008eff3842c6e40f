// What a volunteer client reports to its host (the page's worker or the Node fleet) while it runs.
import type { RunInfo } from '@splitlora/protocol';

export type VolunteerStatus =
  | 'connecting' // waiting for the socket to open
  | 'no-run' // joined, but the server has no run to train
  | 'downloading' // fetching the client-side base weights and the tokenizer
  | 'preparing' // tokenizing the local data, building the model
  | 'waiting' // ready, waiting for a round that includes this client
  | 'training' // running local steps
  | 'uploading' // sending the adapter at the end of a round
  | 'paused' // paused by the volunteer
  | 'reconnecting' // the connection dropped; socket.io retries
  | 'finished' // the run is over
  | 'left' // the volunteer left
  | 'error'; // a fatal error (see the message)

export type VolunteerEvent =
  | { type: 'status'; status: VolunteerStatus; message: string }
  | { type: 'download'; asset: 'weights' | 'tokenizer'; receivedBytes: number; totalBytes: number; fromCache: boolean }
  | { type: 'dataset'; examples: number; tokens: number }
  | { type: 'round-start'; round: number; rounds: number; localSteps: number; firstStep: number }
  | { type: 'step'; round: number; step: number; localSteps: number; loss: number; tokens: number; tokensPerSecond: number; seconds: number }
  /** Sequential split learning: this volunteer waits in line; `ahead` turns run before its own. */
  | { type: 'turn'; round: number; ahead: number; turnsDone: number; turns: number }
  | { type: 'round-end'; round: number; rounds: number; trainLoss: number | null; evalLoss: number | null; more: boolean }
  | { type: 'traffic'; bytesUp: number; bytesDown: number }
  | { type: 'swarm'; volunteersOnline: number; participants: number }
  | { type: 'run'; run: RunInfo | null }
  /** Activation noise: after a round, the most times any one of this tab's examples was sent, and ε for it (null when σ = 0). */
  | { type: 'activation-privacy'; round: number; releasesPerExample: number; epsilon: number | null; delta: number }
  | { type: 'secagg'; round: number; phase: 'keys' | 'masked' | 'done' | 'failed'; message: string }
  /** Joined: who the server knows this volunteer as, and the token that makes a later session (a reload) the same one. */
  | { type: 'identity'; clientId: string; resumeToken: string; resumed: boolean }
  | { type: 'error'; message: string; fatal: boolean };
