// Errors Node's HTTP parser raises before a request exists — headers larger than it accepts (431), a
// request that did not arrive whole within REQUEST_TIMEOUT_MS (408), bytes that are not HTTP (400)
// — answered as RFC 9457 problems like every other error of the service, not with Fastify's default
// `{"error","message","statusCode"}`. There is no request yet, so no Accept-Language: the detail
// is in both languages. The connection is closed after the answer, as Node and Fastify do.

import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'

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
