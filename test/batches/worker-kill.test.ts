// A killed worker's batch resumes where it stopped (issue #11 "Jobs"): a worker PROCESS
// (`npm run worker`, pg-boss) is killed with SIGKILL mid-batch; a second worker process takes the
// expired job over. Every row is decided exactly once: one result per row, one application and one
// decision per decided row, and each project's ledger total equal to the sum its rows were granted.
// Runs on a fresh database of the shared PostgreSQL (needs TEST_DATABASE_URL; under CI it fails
// rather than skip without it).

import { sql } from 'kysely'
import t from 'tap'
import { PgBossQueue } from '../../src/batches/queue.ts'
import { findBatch } from '../../src/db/batches-repository.ts'
import { testApp } from '../helpers/app.ts'
import { requirePostgres, testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'
import { startWorker, until } from '../helpers/workers.ts'

const ROWS = 600
/** Chunks of 20 rows, slices of 2 s: the kill lands mid-batch, between committed chunks. */
const WORKER = { LOG_LEVEL: 'warn', BATCH_CHUNK_ROWS: '20', BATCH_SLICE_SECONDS: '2' }
t.test('a worker process killed mid-batch: the batch resumes, no row lost, none decided twice', async (t) => {
  if (!requirePostgres(t, 'killing a pg-boss worker process')) return
  const database = await testDatabase(t)
  const url = database.location
  // The API only queues (0 workers here): the work is the worker processes'.
  const queue = new PgBossQueue(database.db, {
    connectionString: url,
    workers: 0,
    chunkRows: 20,
    sliceMs: 2000,
    expireSeconds: 3,
    maintenanceSeconds: 1,
    pollingSeconds: 1,
  })
  t.teardown(() => queue.stop())
  const app = await testApp(t, database, { batchQueue: queue })
  const keys = await keysFor(database)

  // Ten projects of one enterprise, 60 rows each: their §18 caps fill up across chunks.
  const rows = Array.from({ length: ROWS }, (_, i) => deepProcessing(`line-${i % 10}`, '40000000.00'))
  const upload = await app.inject({
    method: 'POST',
    url: '/v1/batches?mode=submit',
    headers: { ...bearer(keys.finance), 'content-type': 'application/jsonl' },
    payload: rows.map((r) => JSON.stringify(r)).join('\n'),
  })
  t.equal(upload.statusCode, 202, upload.body)
  const id = upload.json().id as string

  const first = startWorker(url, WORKER)
  const killed = new Promise((resolve) => first.once('exit', resolve))
  await until('the first chunks', async () => ((await findBatch(database.db, id))?.nextRow ?? 0) > 60, 60_000)
  first.kill('SIGKILL')
  await killed
  const atKill = (await findBatch(database.db, id))!
  t.ok(atKill.nextRow > 1 && atKill.nextRow <= ROWS, `killed mid-batch, at row ${atKill.nextRow} of ${ROWS}`)
  t.not(atKill.status, 'done')

  const second = startWorker(url, WORKER)
  t.teardown(() => {
    second.kill('SIGKILL')
  })
  await until(
    'the batch to finish',
    async () => (await findBatch(database.db, id))?.status === 'done',
    90_000,
  )

  const batch = (await findBatch(database.db, id))!
  t.equal(batch.rowsDecided + batch.rowsFailed, ROWS, 'every row done')
  const one = async (q: ReturnType<typeof sql<{ n: string }>>) =>
    Number((await q.execute(database.db)).rows[0]!.n)
  t.equal(
    await one(sql`select count(*)::text as n from batch_results where batch_id = ${id}`),
    ROWS,
    'one result per row',
  )
  t.equal(
    await one(sql`select count(distinct row_no)::text as n from batch_results where batch_id = ${id}`),
    ROWS,
    'no row twice',
  )
  t.equal(
    await one(sql`select count(*)::text as n from applications`),
    batch.rowsDecided,
    'one application per decided row',
  )
  t.equal(
    await one(sql`select count(*)::text as n from decisions`),
    batch.rowsDecided,
    'one decision per decided row',
  )
  const mismatched = await sql<{ key: string }>`
    select s.key from ledger_subjects s
    left join (select e.key, sum(e.amount) as granted from ledger_entries e
               where e.ledger = 'interest-subsidy' group by e.key) g on g.key = s.key
    where s.ledger = 'interest-subsidy' and s.total is distinct from coalesce(g.granted, 0)`.execute(
    database.db,
  )
  t.same(mismatched.rows, [], 'each project’s total is what its rows were granted, once')
  const totals = await sql<{
    total: string
  }>`select total from ledger_subjects where ledger = 'interest-subsidy'`.execute(database.db)
  t.same(
    totals.rows.map((r) => r.total),
    Array(10).fill('10000000.00'),
    'every project at its §18 cap, none beyond',
  )
})
