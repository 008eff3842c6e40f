// A connect_error's refusal is read from its data; anything else is a network error.
import { expect, it } from 'vitest';
import { connectionRefusal } from './connection-refusal.js';

it('reads the code and message of a refusal, and nothing from other errors', () => {
  const refused = Object.assign(new Error('x'), { data: { code: 'INVITE_REQUIRED', message: 'open the invite link' } });
  expect(connectionRefusal(refused)).toEqual({ code: 'INVITE_REQUIRED', message: 'open the invite link' });
  expect(connectionRefusal(new Error('websocket error'))).toBeNull();
  expect(connectionRefusal(Object.assign(new Error('x'), { data: { code: 'SOMETHING_ELSE', message: 'm' } }))).toBeNull();
  expect(connectionRefusal(null)).toBeNull();
});
