/**
 * The floor of the hub benchmark: a bare `ws` server that forwards every binary message to every
 * connection on the same path, its sender included, without Yjs. Nothing a Yjs server does can be
 * cheaper. Plain JavaScript, run by plain `node` like the reference server. Prints
 * `listening on ws://127.0.0.1:PORT`.
 */
import { WebSocketServer } from 'ws';

/** @type {Map<string, Set<import('ws').WebSocket>>} */
const rooms = new Map();
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });

server.on('connection', (socket, request) => {
  const path = request.url ?? '/';
  const peers = rooms.get(path) ?? new Set();
  rooms.set(path, peers);
  peers.add(socket);
  socket.on('message', (data, isBinary) => {
    if (isBinary) for (const peer of peers) peer.send(data);
  });
  socket.on('close', () => {
    peers.delete(socket);
    if (peers.size === 0) rooms.delete(path);
  });
});

server.on('listening', () => {
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.stdout.write(`listening on ws://127.0.0.1:${address.port}\n`);
});
