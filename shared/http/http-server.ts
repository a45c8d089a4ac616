import { createServer, STATUS_CODES, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { appError, type AppError } from '../errors/index.ts';
import type { Logger } from '../logging/logger.ts';

/**
 * The API's HTTP server: `node:http` with the app as its request listener, and requests that
 * Node's parser rejects before any route sees them (an unknown method, headers over the size
 * limit, bytes that are not HTTP, a request that took too long to arrive) answered like every
 * other error, `{ error: { code, message } }` with the code's status, instead of Node's default
 * status line with an empty body. The connection is closed after the answer: the parser cannot
 * tell where the next request would start.
 */
export function createHttpServer(app: RequestListener, log: Logger): Server {
  const server = createServer(app);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket, log));
  return server;
}

/** What a parser or socket error is answered with; undefined: nothing (the client is gone). */
export function clientErrorAnswer(code: string | undefined): AppError | undefined {
  switch (code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return undefined;
    case 'HPE_HEADER_OVERFLOW':
      return appError('REQUEST_HEADERS_TOO_LARGE');
    case 'HPE_INVALID_METHOD':
      return appError('METHOD_NOT_IMPLEMENTED');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADERS_TIMEOUT':
      return appError('REQUEST_TIMEOUT');
    default:
      return appError('MALFORMED_REQUEST', `the request is not valid HTTP/1.1 (${code ?? 'unknown parser error'})`);
  }
}

function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, log: Logger): void {
  const answer = clientErrorAnswer(err.code);
  // a response already under way on this connection (keep-alive) cannot be followed by another
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (!answer || !socket.writable || inFlight) {
    socket.destroy();
    return;
  }
  log.debug({ code: answer.code, parserError: err.code }, 'rejected a request the HTTP parser could not read');
  const body = JSON.stringify({ error: { code: answer.code, message: answer.message } });
  socket.end(
    [
      `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}
