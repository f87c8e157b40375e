/**
 * The reference server of the hub benchmark: y-websocket@2.1.0's own `setupWSConnection`
 * (installed as `y-websocket-ref`), on the project's single copy of yjs and `ws`. Every path is a
 * room. Prints `listening on ws://127.0.0.1:PORT`.
 */
const http = require('node:http');
const { WebSocketServer } = require('ws');
// The package's export map names this file without its `.cjs` extension.
const { setupWSConnection } = require('y-websocket-ref/bin/utils');

const server = http.createServer((_request, response) => response.writeHead(404).end());
const sockets = new WebSocketServer({ server, perMessageDeflate: false });
sockets.on('connection', (conn, request) => {
  const docName = new URL(request.url ?? '/', 'http://reference').pathname.slice(1);
  setupWSConnection(conn, request, { docName });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on ws://127.0.0.1:${server.address().port}\n`);
});
