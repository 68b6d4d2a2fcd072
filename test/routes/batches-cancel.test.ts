// Cancelling a batch (issue #11 "bureau ends"): the bureau stops a batch mid-run. The rows its
// committed chunks decided stay decided (they are stored decisions, with their results and counts),
// no further row is decided — not even by a job that was already on it — and the batch is
// `cancelled` (on PostgreSQL, also while the in-process job runs). Retried like a failed batch, it resumes at the first row not decided and finishes:
// every application stored once, no row decided twice. Also an upload killed mid-stream (the
// process receiving it died): its batch does not stay `receiving` for ever. On PGlite and PostgreSQL.

import { sql } from 'kysely'
import t from 'tap'
import { InProcessQueue, PgBossQueue } from '../../src/batches/queue.ts'
import { runBatchSlice } from '../../src/batches/run.ts'
import { createBatch, findBatch, insertInputs } from '../../src/db/batches-repository.ts'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { testApp } from '../helpers/app.ts'
import { requirePostgres, testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

const JSONL = 'application/jsonl'
const ROWS = 6
/** Enough rows that the running job is still at it when the cancel arrives. */
const LIVE_ROWS = 150
/** Two rows per chunk; a slice of 0 ms runs one chunk, then hands the batch back. */
const ONE_CHUNK = { chunkRows: 2, sliceMs: 0 }

const count = async (database: DatabaseHandle, table: string) =>
  Number(
    (await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(database.db))
      .rows[0]!.n,
  )

/** A queue that runs nothing: the test runs the job's slices itself, one chunk at a time. */
const manualQueue = {
  enqueue: async () => {},
  fundBudget: async () => {},
  start: async () => {},
  stop: async () => {},
}

t.test(
  'cancel mid-run: the decided rows stay, no other row is decided; retried, it finishes once',
  async (t) => {
    const database = await testDatabase(t)
    const app = await testApp(t, database, { batchQueue: manualQueue })
    const keys = await keysFor(database)
    const finance = bearer(keys.finance)
    const file = Array.from({ length: ROWS }, (_, i) =>
      JSON.stringify(deepProcessing(`cancel-${i}`, '40000000.00')),
    ).join('\n')
    const upload = () =>
      app.inject({
        method: 'POST',
        url: '/v1/batches?mode=submit',
        headers: { ...finance, 'content-type': JSONL },
        payload: file,
      })
    const cancel = (id: string, key = keys.finance) =>
      app.inject({ method: 'POST', url: `/v1/batches/${id}/cancel`, headers: bearer(key) })
    const batchOf = async (id: string) =>
      (await app.inject({ url: `/v1/batches/${id}`, headers: finance })).json()

    const uploaded = await upload()
    t.equal(uploaded.statusCode, 202, uploaded.body)
    const id = uploaded.json().id as string
    t.equal(await runBatchSlice(database.db, id, ONE_CHUNK), 'more', 'the first chunk (rows 1–2) ran')
    t.match(await batchOf(id), { status: 'running', rows: { done: 2 } })

    t.equal((await cancel(id, keys.auditor)).statusCode, 403, 'only finance cancels')
    const cancelled = await cancel(id)
    t.equal(cancelled.statusCode, 200, cancelled.body)
    t.match(
      cancelled.json(),
      {
        id,
        status: 'cancelled',
        etaSeconds: null,
        rows: { total: ROWS, done: 2, decided: 2, failed: 0 },
        counts: { eligible: 2 },
      },
      'cancelled, with the counts of the rows decided before',
    )
    t.not(cancelled.json().finishedAt, null)
    t.equal((await cancel(id)).statusCode, 200, 'cancelled again: answered as it is')

    // The job that was on it runs its next slice: it finds the batch cancelled and decides nothing.
    t.equal(await runBatchSlice(database.db, id, ONE_CHUNK), 'done', 'the job stops')
    t.match(await batchOf(id), { status: 'cancelled', rows: { done: 2 } }, 'no row decided after the cancel')
    t.equal(await count(database, 'applications'), 2, 'the two decided rows are stored decisions')
    t.equal(await count(database, 'batch_results'), 2)
    const results = await app.inject({ url: `/v1/batches/${id}/results`, headers: finance })
    const rows = results.body
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { row: number }).row)
    t.same([...new Set(rows)], [1, 2], 'their results are readable (a line per row and measure)')

    // Retried like a failed batch: it resumes at row 3 and finishes.
    const retried = await app.inject({ method: 'POST', url: `/v1/batches/${id}/retry`, headers: finance })
    t.equal(retried.statusCode, 202, retried.body)
    t.match(retried.json(), { status: 'queued', error: null, finishedAt: null })
    let state = 'more'
    while (state === 'more') state = await runBatchSlice(database.db, id, ONE_CHUNK)
    t.match(
      await batchOf(id),
      {
        status: 'done',
        rows: { total: ROWS, done: ROWS, decided: ROWS, failed: 0 },
        counts: { eligible: ROWS },
      },
      'done: every row decided, counted once',
    )
    t.equal(await count(database, 'applications'), ROWS, 'every application stored once')
    t.equal(await count(database, 'decisions'), ROWS, 'every application decided once')
    t.equal(await count(database, 'batch_results'), ROWS, 'one result per row')

    const done = await cancel(id)
    t.equal(done.statusCode, 409, 'a batch done cannot be cancelled')
    t.match(done.json(), { status: 409, type: '/problems/batch-not-cancellable' })
    const page = await app.inject({
      url: '/problems/batch-not-cancellable',
      headers: { accept: 'application/json' },
    })
    t.equal(page.statusCode, 200, 'its problem page')
    t.equal((await cancel('00000000-0000-4000-8000-000000000000')).statusCode, 404)
    const verify = await app.inject({ url: '/v1/audit/verify', headers: bearer(keys.auditor) })
    t.equal(verify.json().valid, true, 'the audit chain verifies')
  },
)

t.test('cancel on the running queue: the job stops between chunks, the counts hold', async (t) => {
  // PGlite's one connection goes from one chunk's transaction to the next before a request's
  // queries get it: only with a pool does a cancel land while the job runs.
  if (!requirePostgres(t, 'cancelling a batch while its job runs')) return
  const database = await testDatabase(t)
  const queue = new InProcessQueue(database.db, { chunkRows: 1, sliceMs: 60_000 })
  t.teardown(() => queue.stop())
  const app = await testApp(t, database, { batchQueue: queue })
  const keys = await keysFor(database)
  const finance = bearer(keys.finance)
  const file = Array.from({ length: LIVE_ROWS }, (_, i) =>
    JSON.stringify(deepProcessing(`live-${i}`, '40000000.00')),
  ).join('\n')
  const uploaded = await app.inject({
    method: 'POST',
    url: '/v1/batches?mode=submit',
    headers: { ...finance, 'content-type': JSONL },
    payload: file,
  })
  const id = uploaded.json().id as string
  // Once a few rows are in, cancel while the job runs.
  while (((await findBatch(database.db, id))?.nextRow ?? 0) < 3) await new Promise((r) => setTimeout(r, 5))
  const cancelled = await app.inject({ method: 'POST', url: `/v1/batches/${id}/cancel`, headers: finance })
  t.equal(cancelled.statusCode, 200, cancelled.body)
  await queue.idle()
  const after = (await findBatch(database.db, id))!
  t.equal(after.status, 'cancelled')
  t.ok(after.rowsDecided < LIVE_ROWS, `stopped early (${after.rowsDecided} of ${LIVE_ROWS} decided)`)
  t.equal(cancelled.json().rows.decided, after.rowsDecided, 'no row decided after the cancel answered')
  t.equal(await count(database, 'applications'), after.rowsDecided, 'what was decided is what is counted')
  t.equal(await count(database, 'batch_results'), after.rowsDecided)
})

t.test(
  'an upload killed mid-stream: its batch fails, "upload did not complete"; no retry of it',
  async (t) => {
    const database = await testDatabase(t)
    const app = await testApp(t, database, { batchQueue: manualQueue })
    const keys = await keysFor(database)
    const finance = bearer(keys.finance)
    const current = (await app.inject({ url: '/v1/keys/current', headers: finance })).json() as { id: string }
    // What the upload route had stored when its process was killed: the batch, receiving, and its
    // first slice of rows.
    const id = '6a0c1f2e-8d7b-4c3a-9e1f-000000000001'
    await createBatch(database.db, {
      id,
      mode: 'submit',
      format: 'jsonl',
      submittedBy: current.id,
      submittedRole: 'finance',
    })
    await insertInputs(database.db, id, [
      { row: 1, facts: deepProcessing('cut-1', '1000000.00'), errors: null },
    ])
    t.match((await findBatch(database.db, id))!, { status: 'receiving' })

    // The runner starts (the next start of the process, on PGlite): no upload is in progress then.
    const queue = new InProcessQueue(database.db, { chunkRows: 2, sliceMs: 60_000 })
    t.teardown(() => queue.stop())
    await queue.start()
    await queue.idle()
    const failed = (await app.inject({ url: `/v1/batches/${id}`, headers: finance })).json()
    t.match(failed, { status: 'failed', rows: { done: 0 } })
    t.match(failed.error, /upload did not complete/)
    t.equal(await count(database, 'applications'), 0, 'none of its rows decided')
    const retry = await app.inject({ method: 'POST', url: `/v1/batches/${id}/retry`, headers: finance })
    t.equal(retry.statusCode, 409, 'nothing to resume')
    t.match(retry.json(), { type: '/problems/batch-upload-incomplete' })
    t.match((await findBatch(database.db, id))!, { status: 'failed' }, 'and it stays failed')
    // Cancelled (the bureau gives up on it), it is still nothing to retry.
    const cancelled = await app.inject({ method: 'POST', url: `/v1/batches/${id}/cancel`, headers: finance })
    t.match(cancelled.json(), { status: 'cancelled', etaSeconds: null })
    const again = await app.inject({ method: 'POST', url: `/v1/batches/${id}/retry`, headers: finance })
    t.equal(again.statusCode, 409, 'cancelled, still nothing to resume')
    t.match(again.json(), { type: '/problems/batch-upload-incomplete' })
  },
)

t.test('pg-boss: the sweep fails an upload silent past its grace, not one still arriving', async (t) => {
  if (!requirePostgres(t, 'the pg-boss sweep of uploads that did not complete')) return
  const database = await testDatabase(t)
  const keys = await keysFor(database)
  const app = await testApp(t, database, { batchQueue: manualQueue })
  const current = (await app.inject({ url: '/v1/keys/current', headers: bearer(keys.finance) })).json() as {
    id: string
  }
  const receiving = async (id: string, silentSeconds: number) => {
    await createBatch(database.db, {
      id,
      mode: 'dry-run',
      format: 'csv',
      submittedBy: current.id,
      submittedRole: 'finance',
    })
    await sql`update batches set updated_at = now() - make_interval(secs => ${silentSeconds})
              where id = ${id}`.execute(database.db)
  }
  const dead = '6a0c1f2e-8d7b-4c3a-9e1f-000000000002'
  const alive = '6a0c1f2e-8d7b-4c3a-9e1f-000000000003'
  await receiving(dead, 120)
  await receiving(alive, 1)
  const queue = new PgBossQueue(database.db, {
    connectionString: database.location,
    workers: 1,
    chunkRows: 2,
    sliceMs: 1000,
    expireSeconds: 30,
    maintenanceSeconds: 1,
    pollingSeconds: 1,
    uploadGraceSeconds: 60,
  })
  t.teardown(() => queue.stop())
  await queue.start() // sweeps once at its start
  t.match(await findBatch(database.db, dead), { status: 'failed', error: /upload did not complete/ })
  t.match(
    await findBatch(database.db, alive),
    { status: 'receiving' },
    'an upload still arriving is left alone',
  )
})
