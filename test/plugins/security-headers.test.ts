// Headers a browser or a cache relies on, CORS by allow-list, and the request timeout.

import { connect } from 'node:net'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { unavailableDatabase } from '../../src/db/unavailable.ts'

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
