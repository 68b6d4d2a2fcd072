// Errors Node's HTTP parser raises before a request exists — headers larger than it accepts (431), a
// request that did not arrive whole within REQUEST_TIMEOUT_MS (408), bytes that are not HTTP (400)
// — answered as RFC 9457 problems like every other error of the service, not with Fastify's default
// `{"error","message","statusCode"}`. There is no request yet, so no Accept-Language: the detail
// is in both languages. The connection is closed after the answer, as Node and Fastify do.

import { type ServerResponse, STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

const DETAILS: Record<number, string> = {
  408: '请求未在时限内完整到达（REQUEST_TIMEOUT_MS）。The request did not arrive whole in time (REQUEST_TIMEOUT_MS).',
  431: '请求行与请求头过大：请缩短查询字符串或请求头。The request line and headers are too large: shorten the query string or the headers.',
  400: '请求不是有效的 HTTP。The request is not valid HTTP.',
}

const statusOf = (code: string | undefined): number =>
  code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : code === 'HPE_HEADER_OVERFLOW' ? 431 : 400

/** Fastify's `clientErrorHandler` (src/app.ts). */
export function clientErrorHandler(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  // A connection reset: nobody is left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const status = statusOf(error.code)
  const title = STATUS_CODES[status]!
  const body = JSON.stringify({ type: 'about:blank', title, status, detail: DETAILS[status] })
  this.log.trace({ err: error }, 'client error')
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  socket.destroy(error)
}

/**
 * Fastify's `frameworkErrors` (src/app.ts): the router's own refusals before any route runs — a path
 * parameter longer than the router takes (414, FST_ERR_MAX_PARAM_LENGTH) or a path whose %-escapes
 * are not UTF-8 (400, FST_ERR_BAD_URL) — as RFC 9457 problems, in the request's language when the
 * hooks have read it (they have not: both languages then).
 */
export function frameworkErrors(
  error: Error & { code?: string; statusCode?: number },
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status = error.statusCode === 414 ? 414 : 400
  const detail =
    status === 414
      ? '路径中的一个参数过长（最多 100 个字符）。A path parameter is too long (at most 100 characters).'
      : '路径不是有效的 URL（百分号编码须为 UTF-8）。The path is not a valid URL (its %-escapes must be UTF-8).'
  void reply
    .code(status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: 'about:blank',
        title: STATUS_CODES[status],
        status,
        detail,
        instance: request.url.split('?')[0],
        ...(error.code ? { code: error.code } : {}),
      }),
    )
}

/**
 * What closes a socket idle for CONNECTION_TIMEOUT_MS (a 'timeout' listener on the server: Node then
 * leaves the socket to it). A socket whose request is being answered is not idle, however long the
 * answer takes to compute — the whole audit chain verified, a report over many decisions: closing
 * it left the caller with no answer at all. Any other socket is closed, as before; how long a
 * request may take to arrive stays bounded by REQUEST_TIMEOUT_MS (408).
 */
export const closeIdleSocket = (socket: Socket): void => {
  // Node's http server keeps the response a socket is writing as `_httpMessage` (null between requests)
  const response = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage
  if (response && !response.writableFinished) return
  socket.destroy()
}
