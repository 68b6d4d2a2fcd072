// Headers a browser or a cache relies on, CORS by allow-list, and the request timeout.

import { connect } from 'node:net'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { unavailableDatabase } from '../../src/db/unavailable.ts'
import { HELMET_OPTIONS, helmetHeaders } from '../../src/plugins/security-headers.ts'

t.test('nosniff and CSP everywhere; no-store when the answer depends on the caller', async (t) => {
  const app = await buildApp({ database: unavailableDatabase() })
  t.teardown(() => app.close())
  const pub = await app.inject({ url: '/v1/measures' })
  t.equal(pub.statusCode, 200)
  t.equal(pub.headers['x-content-type-options'], 'nosniff')
  t.match(pub.headers['content-security-policy'], /default-src 'none'.*script-src 'self'/)
  t.equal(pub.headers['cache-control'], undefined, 'public reference data may be cached')

  const withKey = await app.inject({ url: '/v1/measures', headers: { authorization: 'Bearer nope' } })
  t.equal(withKey.headers['cache-control'], 'no-store', 'any request with Authorization')
  const secured = await app.inject({ url: '/v1/keys' })
  t.equal(secured.statusCode, 401)
  t.equal(secured.headers['cache-control'], 'no-store', 'a route that needs a key, even its 401')
  t.equal(secured.headers['x-content-type-options'], 'nosniff')
  t.equal(pub.headers['access-control-allow-origin'], undefined, 'no CORS unless configured')
})

// Helmet's headers are computed once at startup (src/plugins/security-headers.ts), not per request:
// every answer — a route's, a 404, a validation problem, a 401 — must still carry all of them,
// with the values Helmet gives for our options (as @fastify/helmet set them per request before).
t.test("Helmet's headers, precomputed, on every kind of answer", async (t) => {
  const app = await buildApp({ database: unavailableDatabase() })
  t.teardown(() => app.close())
  const expected = {
    'content-security-policy':
      "default-src 'none';script-src 'self';style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w=';" +
      "img-src 'self' data:;font-src 'self';connect-src 'self';manifest-src 'self';base-uri 'self';" +
      "form-action 'self';frame-ancestors 'none';object-src 'none';script-src-attr 'none'",
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'SAMEORIGIN',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  }
  t.same(helmetHeaders(HELMET_OPTIONS), expected, 'what Helmet sets for our options')
  const answers = [
    await app.inject({ url: '/health/live' }),
    await app.inject({ url: '/no/such/route' }),
    await app.inject({ method: 'POST', url: '/v1/evaluations', payload: {} }),
    await app.inject({ url: '/v1/keys' }),
  ]
  t.same(
    answers.map((a) => a.statusCode),
    [200, 404, 400, 401],
  )
  for (const answer of answers) {
    for (const [name, value] of Object.entries(expected)) t.equal(answer.headers[name], value, name)
    t.equal(answer.headers['cross-origin-embedder-policy'], undefined, 'COEP is off')
  }
})

t.test('CORS: only the listed origins', async (t) => {
  const app = await buildApp({ database: unavailableDatabase(), corsOrigins: ['https://portal.example.cn'] })
  t.teardown(() => app.close())
  const preflight = (origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/v1/evaluations',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    })
  const allowed = await preflight('https://portal.example.cn')
  t.equal(allowed.statusCode, 204)
  t.equal(allowed.headers['access-control-allow-origin'], 'https://portal.example.cn')
  t.match(allowed.headers['access-control-allow-headers'], /authorization/)
  const other = await preflight('https://evil.example.com')
  t.equal(other.headers['access-control-allow-origin'], undefined)
  const get = await app.inject({ url: '/v1/measures', headers: { origin: 'https://portal.example.cn' } })
  t.equal(get.headers['access-control-allow-origin'], 'https://portal.example.cn')
  t.match(get.headers['access-control-expose-headers'], /retry-after/)
})

t.test('a body sent too slowly is cut off at requestTimeout', async (t) => {
  const app = await buildApp({ database: unavailableDatabase(), limits: { requestTimeoutMs: 1000 } })
  t.teardown(() => app.close())
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const started = Date.now()
  const answer = await new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        'POST /v1/evaluations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
      )
      // One byte every 200 ms: never idle long enough for connectionTimeout, never done.
      const drip = setInterval(() => socket.write(' '), 200)
      socket.on('close', () => clearInterval(drip))
    })
    let data = ''
    socket.on('data', (d) => {
      data += d
    })
    socket.on('close', () => resolve(data))
    socket.on('error', () => resolve(data))
  })
  const elapsed = Date.now() - started
  t.match(answer, /^HTTP\/1\.1 408/, 'Node answers 408 Request Timeout')
  t.ok(elapsed < 5000, `closed after ${elapsed} ms (limit 1000 ms, checked every second)`)
})
