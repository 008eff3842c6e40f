// The sentence a volunteer sees when a training step did not count: what happened and what comes next, in place of
// the transport's error text (which goes to the console through the error's own message).
import { ConnectionLostError, isProtocolError } from '@splitlora/protocol';

export function notAppliedText(error: unknown, step: number, round: number): string {
  const where = `step ${step + 1} of round ${round}`;
  if (error instanceof ConnectionLostError) {
    return `The connection dropped during ${where}, so that step did not count. This tab reconnects by itself; the server then says where training goes on.`;
  }
  if (isProtocolError(error, 'STALE', 'NOT_SELECTED')) return `Round ${round} moved on without this tab (${where} came too late); it joins the next round.`;
  if (isProtocolError(error, 'NOT_JOINED')) return `The server no longer knew this tab during ${where} (it may have restarted); the tab joins again.`;
  return `${where} did not count: ${error instanceof Error ? error.message : String(error)}`;
}
