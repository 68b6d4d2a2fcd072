// A killed worker's batch resumes where it stopped (issue #11 "Jobs"): a worker PROCESS
// (`npm run worker`, pg-boss) is killed with SIGKILL mid-batch; a second worker process takes the
// expired job over. Every row is decided exactly once: one result per row, one application and one
// decision per decided row, and each project's ledger total equal to the sum its rows were granted.
// A dry run likewise: the second worker holds none of the first one's claims in memory
// (src/batches/dry-claims-memory.ts), reads them from the batch, and previews each project's cap
// as a submit would grant it.
// Runs on a fresh database of the shared PostgreSQL (needs TEST_DATABASE_URL; under CI it fails
// rather than skip without it).

import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { PgBossQueue } from '../../src/batches/queue.ts'
import { findBatch } from '../../src/db/batches-repository.ts'
import { testApp } from '../helpers/app.ts'
import { requirePostgres, testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'
import { startWorker, until } from '../helpers/workers.ts'

const ROWS = 600
/** Chunks of 20 rows, slices of 2 s: the kill lands mid-batch, between committed chunks. */
const WORKER = { LOG_LEVEL: 'warn', BATCH_CHUNK_ROWS: '20', BATCH_SLICE_SECONDS: '2' }
/** A database, the API queueing only (0 workers: the work is the worker processes'), the bureau's key. */
const prepared = async (t: Test) => {
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
  return { database, url, app, keys }
}

// Ten projects of one enterprise, 60 rows each: their §18 caps fill up across chunks.
const ROWS_OF = Array.from({ length: ROWS }, (_, i) => deepProcessing(`line-${i % 10}`, '40000000.00'))

/** The batch of ROWS_OF uploaded in this mode; a worker process killed mid-batch; a second to the end. */
const killedMidBatch = async (
  t: Test,
  { database, url, app, keys }: Awaited<ReturnType<typeof prepared>>,
  mode: 'submit' | 'dry-run',
) => {
  const upload = await app.inject({
    method: 'POST',
    url: `/v1/batches?mode=${mode}`,
    headers: { ...bearer(keys.finance), 'content-type': 'application/jsonl' },
    payload: ROWS_OF.map((r) => JSON.stringify(r)).join('\n'),
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
  return { id, batch }
}

t.test('a worker process killed mid-batch: the batch resumes, no row lost, none decided twice', async (t) => {
  if (!requirePostgres(t, 'killing a pg-boss worker process')) return
  const setup = await prepared(t)
  const { database } = setup
  const { id, batch } = await killedMidBatch(t, setup, 'submit')
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

t.test('a worker process killed mid-dry-run: the next one reads the claims it did not make', async (t) => {
  if (!requirePostgres(t, 'killing a pg-boss worker process')) return
  const setup = await prepared(t)
  const { database } = setup
  const { id } = await killedMidBatch(t, setup, 'dry-run')
  const previewed = await sql<{ project: string; rows: number; granted: string }>`
    select i.facts #>> '{project,id}' as project, count(*)::int as rows,
           sum((o ->> 2)::bigint)::text as granted
    from batch_results r
    join batch_inputs i on i.batch_id = r.batch_id and i.row_no = r.row_no
    cross join lateral json_array_elements(r.outcome_codes::json) o
    where r.batch_id = ${id} and o ->> 0 = '0'
    group by 1 order by 1`.execute(database.db)
  // 6 % of 40 000 000.00 is 2 400 000.00 a row: four rows, 400 000.00 on the fifth, then capped.
  t.same(
    previewed.rows,
    Array.from({ length: 10 }, (_, i) => ({ project: `line-${i}`, rows: 60, granted: '1000000000' })),
    'every project previewed at its §18 cap of 10 000 000.00 (in fen), none beyond, every row once',
  )
  const one = async (q: ReturnType<typeof sql<{ n: string }>>) =>
    Number((await q.execute(database.db)).rows[0]!.n)
  t.equal(await one(sql`select count(*)::text as n from applications`), 0, 'a dry run stores no application')
  t.equal(await one(sql`select count(*)::text as n from ledger_entries`), 0, 'nor grants anything')
  t.equal(
    await one(sql`select count(*)::text as n from batch_dry_chunks where batch_id = ${id}`),
    0,
    'its claims let go once done',
  )
})
