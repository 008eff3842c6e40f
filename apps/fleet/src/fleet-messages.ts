// Messages from fleet worker threads to the fleet's main thread.
import type { VolunteerEvent, VolunteerOutcome } from '@splitlora/client';

export type WorkerReport =
  | { type: 'backend'; backend: string }
  | { type: 'event'; index: number; event: VolunteerEvent }
  | { type: 'done'; outcomes: Record<number, VolunteerOutcome>; tensorsLeaked: number }
  | { type: 'fatal'; message: string };
