// Failover between several server addresses (split workers of one run, without a load balancer in front): every
// reconnection attempt goes to the next address of the list, so a volunteer whose worker died carries on through
// another one (its resume token brings back the same session).
import type { VolunteerSocket } from './socket-types.js';

/** Makes `socket` reconnect to the addresses of `urls` in turn, starting after `urls[first]`. */
export function rotateServers(socket: VolunteerSocket, urls: readonly string[], first = 0): void {
  if (urls.length < 2) return;
  let at = first;
  // socket.io-client's Manager opens each new engine on its `uri`, which its typings keep private.
  const manager = socket.io as unknown as { uri: string };
  socket.io.on('reconnect_attempt', () => {
    at = (at + 1) % urls.length;
    manager.uri = urls[at]!;
  });
}
