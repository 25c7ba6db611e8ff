import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Graceful drain of the HTTP server. Every connection is tracked with the number of requests it is serving. Once
 * `begin()` runs: idle connections close at once, new connections are refused, responses still being produced carry
 * `Connection: close`, and each connection closes as soon as its last response is written, so that the server's
 * `close()` never waits on a keep-alive timeout.
 */
export class HttpDrain {
  private readonly busy = new Map<Socket, number>();
  private draining = false;

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      if (this.draining) {
        socket.destroy();
        return;
      }
      this.busy.set(socket, 0);
      socket.once('close', () => this.busy.delete(socket));
    });
    server.on('request', (request: { socket: Socket }, response: ServerResponse) => {
      const socket = request.socket;
      this.busy.set(socket, (this.busy.get(socket) ?? 0) + 1);
      if (this.draining) response.setHeader('connection', 'close');
      response.once('close', () => {
        const left = Math.max(0, (this.busy.get(socket) ?? 1) - 1);
        if (this.busy.has(socket)) this.busy.set(socket, left);
        // the response is written: a draining connection with nothing left to answer closes now
        if (this.draining && left === 0) closeAfterFlush(socket);
      });
    });
  }

  /** Registers the hook that marks responses of a draining server. */
  attach(fastify: FastifyInstance): void {
    fastify.addHook('onSend', async (_request, reply, payload) => {
      if (this.draining && !reply.raw.headersSent) reply.header('connection', 'close');
      return payload;
    });
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Starts the drain: closes idle connections, marks the others to close after their last response. */
  begin(): void {
    if (this.draining) return;
    this.draining = true;
    for (const [socket, requests] of this.busy) {
      if (requests === 0) closeAfterFlush(socket);
    }
  }

  /** What is still open, for the log line of a shutdown that missed its deadline. */
  open(): { connections: number; requests: number } {
    let requests = 0;
    for (const n of this.busy.values()) requests += n;
    return { connections: this.busy.size, requests };
  }
}

/**
 * Closes a connection with nothing left to answer. Called when no request is open on it, i.e. every response has been
 * handed to the kernel ('close' of the response comes after 'finish'), so nothing written is lost. `end()` alone would
 * not do: HTTP server sockets allow half-open connections, so the connection would stay until the client closes it.
 */
function closeAfterFlush(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.writableFinished || socket.writableLength === 0) socket.destroy();
  else socket.end(() => socket.destroy());
}
