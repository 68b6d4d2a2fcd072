// The drain before a shutdown waits for a quiet moment (no new connection or request), bounded.

import { createServer } from 'node:http'
import { connect } from 'node:net'
import t, { type Test } from 'tap'
import { drainConnections } from '../src/lifecycle.ts'

const listening = async (t: Test) => {
  const server = createServer((_req, res) => res.end('ok'))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  t.teardown(() => {
    server.closeAllConnections()
    server.close()
  })
  const address = server.address()
  return { server, port: typeof address === 'object' && address ? address.port : 0 }
}

t.test('returns after the quiet period when nothing arrives', async (t) => {
  const { server } = await listening(t)
  const started = Date.now()
  await drainConnections(server, { quietMs: 100, maxMs: 2_000 })
  const took = Date.now() - started
  t.ok(took >= 95 && took < 1_000, `quiet: ${took} ms`)
})

t.test('each new connection extends the drain; the maximum bounds it', async (t) => {
  const { server, port } = await listening(t)
  const started = Date.now()
  // A connection every 50 ms for 400 ms, then nothing.
  const timer = setInterval(
    () =>
      connect(port, '127.0.0.1')
        .on('error', () => {})
        .end(),
    50,
  )
  setTimeout(() => clearInterval(timer), 400)
  await drainConnections(server, { quietMs: 150, maxMs: 5_000 })
  const took = Date.now() - started
  t.ok(took >= 500, `extended while connections arrived: ${took} ms`)

  const busy = setInterval(
    () =>
      connect(port, '127.0.0.1')
        .on('error', () => {})
        .end(),
    20,
  )
  t.teardown(() => clearInterval(busy))
  const again = Date.now()
  await drainConnections(server, { quietMs: 150, maxMs: 400 })
  const bounded = Date.now() - again
  clearInterval(busy)
  t.ok(bounded >= 390 && bounded < 1_000, `bounded under continuous traffic: ${bounded} ms`)
})
