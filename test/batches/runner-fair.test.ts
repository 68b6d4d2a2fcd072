// A job running in the in-process runner does not starve the API (issue #11). On PGlite every query
// is synchronous WebAssembly behind a promise: a runner going straight from one chunk's transaction
// to the next never lets the event loop poll its sockets, so a request arriving mid-job was read only
// when the whole job was done. Here the requests go over real HTTP (inject would interleave at any
// await and prove nothing) while a batch, then a budget funding, runs chunk after chunk; each must be
// answered mid-job: the batch `running` with rows done strictly between 0 and total, the funding with
// queued outcomes still to fund. No timing is asserted: only what the answer says. PGlite and
// PostgreSQL.

import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { InProcessQueue } from '../../src/batches/queue.ts'
import { testApp } from '../helpers/app.ts'
import { onPostgres, testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

/** Rows of the batch, one per chunk: many chunks, so a request has many gaps to be served in. */
const ROWS = 40
/** Applications waiting on the budget's queue, funded one per chunk. */
const WAITING = 30

type Budget = { measure: string; funding: { inProgress: boolean; toFund: number } }

const listening = async (app: FastifyInstance): Promise<string> => {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  return `http://127.0.0.1:${address.port}`
}

t.test('a batch running on the in-process runner: GET /v1/batches/{id} is answered mid-job', async (t) => {
  const database = await testDatabase(t)
  const queue = new InProcessQueue(database.db, { chunkRows: 1, sliceMs: 60_000 })
  const app = await testApp(t, database, { batchQueue: queue })
  const keys = await keysFor(database)
  const base = await listening(app)
  const rows = Array.from({ length: ROWS }, (_, i) => deepProcessing(`fair-${i}`, '1000000.00'))
  const upload = await app.inject({
    method: 'POST',
    url: '/v1/batches?mode=dry-run',
    headers: { ...bearer(keys.finance), 'content-type': 'application/jsonl' },
    payload: rows.map((r) => JSON.stringify(r)).join('\n'),
  })
  t.equal(upload.statusCode, 202, upload.statusCode === 202 ? 'the batch is accepted' : upload.body)
  const location = upload.headers.location as string

  type Progress = { status: string; rows: { total: number; done: number } }
  const progress = async (): Promise<Progress> => {
    const r = await fetch(`${base}${location}`, { headers: bearer(keys.finance) })
    t.equal(r.status, 200)
    return (await r.json()) as Progress
  }
  // On PostgreSQL the pool answers at once, possibly before the job is picked up or before its first
  // chunk commits: asked again until a chunk is done. On PGlite the first answer comes between two
  // chunks (the job has started).
  let batch = await progress()
  while (batch.status === 'queued' || (batch.status === 'running' && batch.rows.done === 0)) {
    batch = await progress()
  }
  t.equal(batch.status, 'running', 'answered while the batch runs')
  t.equal(batch.rows.total, ROWS)
  t.ok(batch.rows.done > 0 && batch.rows.done < ROWS, `rows done ${batch.rows.done} of ${ROWS}: mid-job`)
  const ready = await fetch(`${base}/health/ready`)
  t.equal(ready.status, 200, 'the readiness probe too')
  // A write too: its transaction takes its turn between two chunks.
  const posted = await fetch(`${base}/v1/applications`, {
    method: 'POST',
    headers: { ...bearer(keys.finance), 'content-type': 'application/json', 'idempotency-key': 'fair-post' },
    body: JSON.stringify(deepProcessing('fair-post', '1000000.00')),
  })
  t.equal(posted.status, 201, 'an application submitted mid-job')
  // On PGlite the job is one chunk per turn, 40 turns: it is still running (PostgreSQL's may be done).
  if (!onPostgres) t.equal((await progress()).status, 'running', 'the POST answered before the job ends')

  await queue.idle()
  const done = await app.inject({ url: location, headers: bearer(keys.finance) })
  t.match(done.json(), { status: 'done', rows: { total: ROWS, done: ROWS } }, 'and the batch finishes')
})

t.test('a budget funding on the in-process runner: GET /v1/budgets is answered mid-funding', async (t) => {
  const database = await testDatabase(t)
  const queue = new InProcessQueue(database.db, {
    chunkRows: 1,
    sliceMs: 60_000,
    fundingChunkOutcomes: 1,
  })
  const app = await testApp(t, database, { batchQueue: queue, budgetFundingChunk: 1 })
  const keys = await keysFor(database)
  const finance = bearer(keys.finance)
  const put = (amount: string) =>
    app.inject({
      method: 'PUT',
      url: '/v1/budgets/2015/interest-subsidy',
      headers: finance,
      payload: { amount },
    })
  t.equal((await put('0.00')).statusCode, 200)
  for (let i = 0; i < WAITING; i++) {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...finance, 'idempotency-key': `fair-${i}` },
      payload: deepProcessing(`fair-${i}`, '1000000.00'),
    })
    t.equal(r.statusCode, 201, r.statusCode === 201 ? `fair-${i} stored` : r.body)
  }
  const base = await listening(app)

  // Enough for all of them: the PUT funds the first, the runner the rest, one per chunk.
  t.equal((await put('100000000.00')).statusCode, 200)
  const during = await fetch(`${base}/v1/budgets?year=2015`, { headers: finance })
  t.equal(during.status, 200)
  const pool = ((await during.json()) as { budgets: Budget[] }).budgets.find(
    (b) => b.measure === 'interest-subsidy',
  )
  t.equal(pool?.funding.inProgress, true, 'answered while the funding runs')
  const left = pool?.funding.toFund ?? 0
  t.ok(left > 0 && left < WAITING, `${left} of ${WAITING} still to fund: mid-funding`)

  await queue.idle()
  const after = (
    (await app.inject({ url: '/v1/budgets?year=2015', headers: finance })).json() as { budgets: Budget[] }
  ).budgets.find((b) => b.measure === 'interest-subsidy')
  t.same(after?.funding, { inProgress: false, toFund: 0 }, 'and the funding finishes')
})
