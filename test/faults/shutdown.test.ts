// SIGTERM while requests are in flight: every request already sent is answered, including one
// whose body is still arriving, and the process exits 0 within its bound. Then the data is whole:
// restarted on the same directory, every answered application is there. On the embedded database
// (PGlite), whose writes are serialised, so 50 submissions are surely still in flight at the
// signal; this also shows the directory lock is released by a clean stop.

import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { LOCK_FILE } from '../../src/db/data-dir-lock.ts'
import { freePort } from './helpers/cluster.ts'
import { adminKeyOf, type Instance, startInstance, waitReady } from './helpers/instance.ts'

const IN_FLIGHT = 50

const facts = (i: number) =>
  JSON.stringify({
    applicationDate: '2015-06-01',
    enterprise: { creditCode: '91530300MA6K5A1B2G', name: 'Qujing Deep Processing Co.' },
    project: {
      id: `shutdown-${i}`,
      name: 'Copper foil line',
      buildType: 'expansion',
      industryCode: 'C32',
      policyClass: 'encouraged',
      meetsAccessConditions: true,
      prefecture: 'qujing',
      inCentralYunnanZone: false,
      deepProcessing: true,
      investment: '1000000.00',
    },
  })

interface Answer {
  status: number | null
  error: string | null
}

/** One POST on its own connection; resolves `written` once the whole request is on the wire. */
const post = (port: number, key: string, i: number) => {
  let written!: () => void
  const sent = new Promise<void>((r) => {
    written = r
  })
  const answered = new Promise<Answer>((resolve) => {
    const body = facts(i)
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/applications',
        agent: false,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'idempotency-key': `shutdown-${i}`,
        },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode ?? null, error: null }))
      },
    )
    req.on('error', (e) => resolve({ status: null, error: (e as NodeJS.ErrnoException).code ?? e.message }))
    req.on('finish', () => written())
    req.end(body)
  })
  return { sent, answered }
}

t.test(`SIGTERM with ${IN_FLIGHT} requests in flight: all answered, exit 0`, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'faults-shutdown-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const env = {
    DATABASE_URL: '',
    DATA_DIR: join(dir, 'data'),
    LOG_LEVEL: 'info',
    SHUTDOWN_TIMEOUT_SECONDS: '15',
  }
  const port = await freePort()
  const instances: Instance[] = []
  t.teardown(() => {
    for (const i of instances) if (i.running()) i.process.kill('SIGKILL')
  })
  const server = startInstance('shutdown', port, env)
  instances.push(server)
  await waitReady(server)
  const adminKey = adminKeyOf(server)
  const created = await fetch(`${server.base}/v1/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'finance', label: 'shutdown test' }),
  })
  t.equal(created.status, 201)
  const key = ((await created.json()) as { key: string }).key

  // A request whose body is still arriving when the signal comes: half now, the rest later.
  const slowBody = facts(IN_FLIGHT)
  const half = Math.floor(slowBody.length / 2)
  const slow = connect(port, '127.0.0.1')
  let slowResponse = ''
  slow.on('data', (d) => {
    slowResponse += d.toString()
  })
  const slowDone = new Promise<string>((resolve) => {
    slow.on('close', () => resolve(slowResponse))
    slow.on('error', () => resolve(slowResponse))
  })
  await new Promise<void>((r) => slow.on('connect', () => r()))
  slow.write(
    'POST /v1/applications HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      `Authorization: Bearer ${key}\r\nIdempotency-Key: shutdown-${IN_FLIGHT}\r\n` +
      `Content-Length: ${Buffer.byteLength(slowBody)}\r\nConnection: close\r\n\r\n${slowBody.slice(0, half)}`,
  )

  // The signal comes while the requests are arriving: sent once the first ten are on the wire,
  // when the others are connecting, queued in the kernel's accept queue, or unread by the server.
  const requests = Array.from({ length: IN_FLIGHT }, (_, i) => post(port, key, i))
  let written = 0
  await new Promise<void>((resolve) => {
    for (const r of requests) void r.sent.then(() => ++written === 10 && resolve())
  })
  const signalled = Date.now()
  server.process.kill('SIGTERM')
  const writtenAtSignal = written
  await new Promise((r) => setTimeout(r, 300))
  slow.write(slowBody.slice(half))

  const answers = await Promise.all(requests.map((r) => r.answered))
  const slowAnswer = await slowDone
  const { code } = await server.exited
  const stoppedMs = Date.now() - signalled

  const tally = new Map<string, number>()
  for (const a of answers) {
    const what = a.status === null ? `error ${a.error}` : String(a.status)
    tally.set(what, (tally.get(what) ?? 0) + 1)
  }
  t.comment(`${writtenAtSignal} of ${IN_FLIGHT} requests fully written when the signal was sent`)
  t.comment(
    `answers: ${[...tally.entries()].map(([k, v]) => `${k} × ${v}`).join(', ')}; stopped after ${stoppedMs} ms`,
  )
  t.equal(answers.filter((a) => a.status === 201).length, IN_FLIGHT, `all ${IN_FLIGHT} answered 201`)
  t.match(slowAnswer, /^HTTP\/1\.1 201 /, 'the request still being read when the signal came: answered 201')
  t.equal(code, 0, 'exit 0')
  t.ok(stoppedMs < 15_000, 'within the shutdown bound')
  t.match(server.output(), /stopped cleanly/)
  t.notOk(existsSync(join(dir, 'data', LOCK_FILE)), 'the directory lock was released')

  // The data is whole: restarted on the same directory, every answered application is there.
  const again = startInstance('restarted', port, env)
  instances.push(again)
  await waitReady(again)
  const list = await fetch(`${again.base}/v1/applications?limit=100`, {
    headers: { authorization: `Bearer ${key}` },
  })
  t.equal(list.status, 200)
  const items = ((await list.json()) as { items: { projectId: string }[] }).items
  t.equal(
    items.filter((a) => a.projectId.startsWith('shutdown-')).length,
    IN_FLIGHT + 1,
    'every answered application was stored',
  )
  again.process.kill('SIGTERM')
  t.equal((await again.exited).code, 0)
})
