import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { unavailableDatabase } from '../../src/db/unavailable.ts'
import { testApp } from '../helpers/app.ts'

t.test('live and ready on a reachable database', async (t) => {
  const app = await testApp(t)
  const live = await app.inject({ method: 'GET', url: '/health/live' })
  t.equal(live.statusCode, 200)
  t.same(live.json(), { status: 'ok' })
  const ready = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 200)
  t.equal(ready.json().status, 'ok')
  t.ok(ready.headers['x-request-id'], 'every response carries a request id')
})

t.test('ready answers 503 with a problem body when the database is unreachable', async (t) => {
  const app = await buildApp({ database: unavailableDatabase() })
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(res.statusCode, 503)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.json(), { type: 'about:blank', title: '服务暂不可用', status: 503 }, 'in Chinese by default')
  t.notMatch(res.body, /no database/, 'no internals in the body')
  t.equal(res.headers['retry-after'], '5')
  const live = await app.inject({ method: 'GET', url: '/health/live' })
  t.equal(live.statusCode, 200, 'liveness does not depend on the database')
})

t.test(
  'while draining for a shutdown: not ready, and connections are closed after each response',
  async (t) => {
    const app = await testApp(t)
    app.lifecycle.draining = true
    const ready = await app.inject({ method: 'GET', url: '/health/ready' })
    t.equal(ready.statusCode, 503, 'a load balancer stops sending new requests')
    t.match(ready.json(), { status: 503, detail: /正在关闭/ })
    t.equal(ready.headers['connection'], 'close')
    const live = await app.inject({ method: 'GET', url: '/health/live' })
    t.equal(live.statusCode, 200, 'requests that still arrive are served')
    t.equal(live.headers['connection'], 'close')
  },
)
