// Errors of Node's HTTP parser, before any request exists (src/plugins/client-errors.ts), over a
// real socket: a request line and headers too large (431), a request that does not arrive whole in
// time (408), bytes that are not HTTP (400) — each an RFC 9457 problem, then the connection closed.

import { connect } from 'node:net'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { unavailableDatabase } from '../../src/db/unavailable.ts'
import { operations, responseProblem } from '../helpers/openapi.ts'

/** Sends raw bytes and reads everything the server answers until it closes the connection. */
const exchange = (port: number, bytes: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let answer = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk) => {
      answer += chunk
    })
    socket.on('close', () => resolve(answer))
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' ? resolve(answer) : reject(error),
    )
    socket.write(bytes)
  })

const problemOf = (answer: string) => {
  const [head, body] = answer.split('\r\n\r\n')
  return { statusLine: head!.split('\r\n')[0], head: head!, problem: JSON.parse(body!) }
}

t.test('431, 408 and 400 from the HTTP parser are RFC 9457 problems', async (t) => {
  const app = await buildApp({ database: unavailableDatabase(), limits: { requestTimeoutMs: 500 } })
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port

  const long = problemOf(
    await exchange(port, `GET /v1/applications?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`),
  )
  t.equal(long.statusLine, 'HTTP/1.1 431 Request Header Fields Too Large')
  t.match(long.head, /content-type: application\/problem\+json/i)
  t.match(long.problem, {
    type: 'about:blank',
    title: 'Request Header Fields Too Large',
    status: 431,
    detail: /query string/,
  })

  const slow = problemOf(
    await exchange(
      port,
      'POST /v1/evaluations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    ),
  )
  t.equal(slow.statusLine, 'HTTP/1.1 408 Request Timeout')
  t.match(slow.problem, { type: 'about:blank', status: 408, detail: /REQUEST_TIMEOUT_MS/ })

  const garbage = problemOf(await exchange(port, 'NOT HTTP AT ALL\r\n\r\n'))
  t.equal(garbage.statusLine, 'HTTP/1.1 400 Bad Request')
  t.match(garbage.problem, { type: 'about:blank', title: 'Bad Request', status: 400 })
})

t.test("the router's 414 and 400 are RFC 9457 problems", async (t) => {
  const app = await buildApp({ database: unavailableDatabase() })
  t.teardown(() => app.close())
  const long = await app.inject({ url: `/v1/enterprises/${'A'.repeat(150)}/ledger` })
  t.equal(long.statusCode, 414)
  t.match(long.headers['content-type'], /^application\/problem\+json/)
  t.match(JSON.parse(long.body), {
    type: 'about:blank',
    title: 'URI Too Long',
    status: 414,
    detail: /too long/,
  })
  const bad = await app.inject({ url: '/v1/decisions/%E0%A4%A' })
  t.equal(bad.statusCode, 400)
  t.match(bad.headers['content-type'], /^application\/problem\+json/)
  t.match(JSON.parse(bad.body), { status: 400, detail: /not a valid URL/ })
  // Every operation with a path parameter declares both (src/plugins/openapi.ts), so a client
  // generated from the document knows them.
  const withParameters = operations.filter((op) => op.path.includes('{'))
  t.ok(withParameters.length >= 12, `${withParameters.length} operations with path parameters`)
  for (const op of withParameters) {
    t.same(
      [
        ...new Set(
          [long, bad].map((r) =>
            responseProblem(op, r.statusCode, r.headers['content-type'] as string, r.body),
          ),
        ),
      ],
      [null],
      `${op.operationId} declares 414 and 400`,
    )
  }
})

t.test('connectionTimeout closes idle sockets, never one whose answer is being computed', async (t) => {
  const app = await buildApp({ database: unavailableDatabase(), limits: { connectionTimeoutMs: 300 } })
  t.teardown(() => app.close())
  // an answer that takes longer than the idle limit to compute (as verifying a long audit chain does)
  app.get('/slow', async () => {
    await new Promise((r) => setTimeout(r, 1_000))
    return { computed: true }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  const slow = await exchange(port, 'GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
  t.match(slow, /^HTTP\/1\.1 200 OK/, 'answered after 1 s, with a 300 ms idle limit')
  t.match(slow, /\{"computed":true\}$/)
  // a socket that sends nothing is closed at the idle limit
  const started = Date.now()
  const idle = await exchange(port, '')
  t.equal(idle, '', 'nothing was answered')
  t.ok(Date.now() - started < 3_000, `the idle socket was closed after ${Date.now() - started} ms`)
})
