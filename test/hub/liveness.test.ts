/**
 * Pings: the hub pings every connection on an interval and cuts off those that stop answering,
 * so a peer that vanished without closing does not hold a room open forever.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDesign } from '../helpers/api.js';
import { startTestHub } from '../helpers/hub.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Short, so the test is quick; not so short that a busy machine stalling the shared event loop
 * for one interval (the timer can then run before the pong is read) cuts off the live socket,
 * as 40 ms once did in CI.
 */
const PING_INTERVAL_MS = 150;

/** A raw socket on `url` that counts the pings it gets; `answers: false` never pongs. */
function pingedSocket(url: string, answers: boolean) {
  const socket = new WebSocket(url, { autoPong: answers });
  const state = { pings: 0, closeCode: 0 };
  socket.on('ping', () => (state.pings += 1));
  socket.on('close', (code) => (state.closeCode = code));
  socket.on('error', () => undefined);
  return { socket, state };
}

describe('liveness pings', () => {
  it('keeps connections that answer pings and cuts off one that stopped answering', async () => {
    const hub = await startTestHub({ pingIntervalMs: PING_INTERVAL_MS });
    const room = `${hub.wsUrl}/designs/${await createDesign(hub.url)}`;
    const alive = pingedSocket(room, true);
    const silent = pingedSocket(room, false);
    try {
      await waitFor(() => silent.state.closeCode !== 0, {
        what: 'the silent socket to be cut off',
      });
      // Terminated without a closing handshake: the peer sees an abnormal closure.
      expect(silent.state.closeCode).toBe(1006);
      expect(silent.state.pings).toBeGreaterThanOrEqual(1);
      await waitFor(() => alive.state.pings >= 4, { what: 'four pings' });
      expect(alive.socket.readyState).toBe(WebSocket.OPEN);
    } finally {
      alive.socket.terminate();
      silent.socket.terminate();
    }
  });
});
