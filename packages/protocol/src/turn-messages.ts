// Sequential split learning's turns on the wire: what a waiting volunteer is told (round:turn, checked with
// turnNoticeSchema where it arrives) and what the dashboard's snapshot says about the round's turns.
import { z } from 'zod';

/** Pushed to every participant of an `sl` round that is not training: its place in line and the round's progress. */
export const turnNoticeSchema = z.strictObject({
  runId: z.string().min(1).max(100),
  round: z.number().int().min(1),
  /** Turns still to run before this volunteer's (the running one included); 0 when its own turn starts. */
  ahead: z.number().int().min(0).max(10_000),
  /** Turns of the round already over (trained or skipped). */
  turnsDone: z.number().int().min(0).max(10_000),
  /** Turns in the round: its participants. */
  turns: z.number().int().min(1).max(10_000),
}).refine((n) => n.turnsDone <= n.turns && n.ahead <= n.turns - n.turnsDone, { message: 'ahead and turnsDone must fit in the round\'s turns' });
export type TurnNotice = z.infer<typeof turnNoticeSchema>;

/** The round's turns as the dashboard sees them. */
export interface TurnState {
  round: number;
  /** The volunteer training now; null once every turn is over (the round is closing). */
  current: string | null;
  /** The participants in turn order. */
  order: string[];
  /** Turns over (trained or skipped), and those skipped because their volunteer left or timed out. */
  turnsDone: number;
  skipped: string[];
}
