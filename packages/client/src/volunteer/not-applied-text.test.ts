// What a volunteer reads when a step did not count: no raw transport text.
import { ConnectionLostError, ProtocolError, RequestTimeoutError } from '@splitlora/protocol';
import { expect, it } from 'vitest';
import { notAppliedText } from './not-applied-text.js';

it('says what happened to the step and what comes next', () => {
  const timeout = notAppliedText(new RequestTimeoutError('train:activations', 120_000), 0, 2);
  expect(timeout).toBe('The connection dropped during step 1 of round 2, so that step did not count. This tab reconnects by itself; the server then says where training goes on.');
  expect(timeout).not.toMatch(/ms|socket|train:activations/);
  expect(notAppliedText(new ConnectionLostError('not connected (train:activations)'), 4, 1)).toContain('step 5 of round 1');
  expect(notAppliedText(new ProtocolError('STALE', 'round 3 is over'), 2, 3)).toBe('Round 3 moved on without this tab (step 3 of round 3 came too late); it joins the next round.');
  expect(notAppliedText(new ProtocolError('NOT_JOINED', 'send session:join first'), 0, 1)).toContain('may have restarted');
});
