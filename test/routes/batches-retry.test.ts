// A batch that failed can be retried (issue #11: batches that do not get stuck). A failure is made
// to happen mid-batch — a trigger refuses the results of rows past the second while a flag is set,
// as a full disk or a dropped connection would — so the first chunk is committed and the second is
// not. Then the bureau retries, by POST /v1/batches/{id}/retry or by uploading the same file again:
// the batch resumes where its last chunk stopped, and no row is granted twice (every application
// stored once, every row one result). On PGlite and PostgreSQL.

import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import t from 'tap'
import { InProcessQueue } from '../../src/batches/queue.ts'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

const JSONL = 'application/jsonl'

/** Results of rows past the second are refused while fail_results holds a row. */
const installFault = async (database: DatabaseHandle) => {
  await sql`create table fail_results (reason text not null)`.execute(database.db)
  await sql`
    create function fail_results() returns trigger language plpgsql as $$
    begin
      if new.row_no > 2 and exists (select 1 from fail_results) then
        raise exception '%', (select reason from fail_results limit 1);
      end if;
      return new;
    end $$`.execute(database.db)
  await sql`
    create trigger fail_results before insert on batch_results
    for each row execute function fail_results()`.execute(database.db)
}
const fault = (database: DatabaseHandle, on: boolean) =>
  on
    ? sql`insert into fail_results values ('could not extend file: No space left on device')`.execute(
        database.db,
      )
    : sql`delete from fail_results`.execute(database.db)

const count = async (database: DatabaseHandle, table: string) =>
  Number(
    (await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(database.db))
      .rows[0]!.n,
  )

t.test('a failed batch: its reason, then a retry resumes it and grants no row twice', async (t) => {
  const database = await testDatabase(t)
  await installFault(database)
  // Two rows per chunk: the first chunk (rows 1–2) commits, the second fails.
  const queue = new InProcessQueue(database.db, { chunkRows: 2, sliceMs: 60_000 })
  t.teardown(() => queue.stop())
  const app: FastifyInstance = await testApp(t, database, { batchQueue: queue })
  const keys = await keysFor(database)
  const finance = bearer(keys.finance)
  const rows = Array.from({ length: 5 }, (_, i) =>
    JSON.stringify(deepProcessing(`retry-${i}`, '40000000.00')),
  )
  const file = rows.join('\n')
  const upload = () =>
    app.inject({
      method: 'POST',
      url: '/v1/batches?mode=submit',
      headers: { ...finance, 'content-type': JSONL },
      payload: file,
    })
  const batchOf = async (id: string) =>
    (await app.inject({ url: `/v1/batches/${id}`, headers: finance })).json()
  const retry = (id: string, key = keys.finance) =>
    app.inject({ method: 'POST', url: `/v1/batches/${id}/retry`, headers: bearer(key) })

  await fault(database, true)
  const first = await upload()
  t.equal(first.statusCode, 202, first.body)
  const id = first.json().id as string
  await queue.idle()
  const failed = await batchOf(id)
  t.match(
    failed,
    { status: 'failed', rows: { total: 5, done: 2, decided: 2 } },
    'the batch failed after its first chunk',
  )
  t.match(failed.error, /No space left on device/, 'with the reason the bureau can read')
  t.match(failed.error, /row 3/, 'and the row it stopped at')
  t.equal(await count(database, 'applications'), 2, 'the first chunk’s rows are stored')

  // Retrying while the fault lasts fails again, at the same place, and stores nothing more.
  const again = await retry(id)
  t.equal(again.statusCode, 202, again.body)
  // The in-process runner may have taken it already.
  t.match(again.json().status, /^(queued|running)$/, 'the retry queues the batch again')
  t.equal(again.json().error, null, 'its old reason is cleared')
  await queue.idle()
  t.match(await batchOf(id), { status: 'failed', rows: { done: 2 } }, 'the fault still there: failed again')
  t.equal(await count(database, 'applications'), 2)

  // The same file uploaded again after the failure is a retry of the same batch.
  await fault(database, false)
  const reupload = await upload()
  t.equal(reupload.statusCode, 202, 'the same file again: 202, a new attempt')
  t.equal(reupload.json().id, id, 'of the same batch')
  t.equal(reupload.headers['location'], `/v1/batches/${id}`)
  await queue.idle()
  t.match(
    await batchOf(id),
    { status: 'done', error: null, rows: { total: 5, done: 5, decided: 5, failed: 0 } },
    'it resumed and finished',
  )
  t.equal(await count(database, 'applications'), 5, 'every application stored once')
  t.equal(await count(database, 'decisions'), 5, 'every application decided once')
  t.equal(await count(database, 'batch_results'), 5, 'one result per row')

  // Once done, the same file answers the batch (200), and a retry is refused.
  const done = await upload()
  t.equal(done.statusCode, 200)
  t.equal(done.json().id, id)
  const refused = await retry(id)
  t.equal(refused.statusCode, 409, 'a finished batch cannot be retried')
  t.match(refused.json(), { status: 409, type: '/problems/batch-not-failed' })
  t.equal((await retry('00000000-0000-4000-8000-000000000000')).statusCode, 404)
  t.equal((await retry(id, keys.auditor)).statusCode, 403, 'only finance retries')
  t.equal(await count(database, 'applications'), 5, 'nothing stored by the refused retry')
})

t.test('a queued or running batch: a retry answers it as it is (nothing to retry)', async (t) => {
  const database = await testDatabase(t)
  // A queue that never runs: the batch stays queued.
  const queue = new InProcessQueue(database.db, { chunkRows: 2, sliceMs: 60_000 })
  await queue.stop()
  const app = await testApp(t, database, { batchQueue: queue })
  const keys = await keysFor(database)
  const upload = await app.inject({
    method: 'POST',
    url: '/v1/batches?mode=dry-run',
    headers: { ...bearer(keys.finance), 'content-type': JSONL },
    payload: JSON.stringify(deepProcessing('queued-0', '40000000.00')),
  })
  t.equal(upload.statusCode, 202)
  const retry = await app.inject({
    method: 'POST',
    url: `/v1/batches/${upload.json().id}/retry`,
    headers: bearer(keys.finance),
  })
  t.equal(retry.statusCode, 200, retry.body)
  t.equal(retry.json().status, 'queued')
})

t.test('retries at once (POSTs and re-uploads): one of them queues the batch, no row twice', async (t) => {
  const database = await testDatabase(t)
  await installFault(database)
  const queue = new InProcessQueue(database.db, { chunkRows: 2, sliceMs: 60_000 })
  t.teardown(() => queue.stop())
  const app = await testApp(t, database, { batchQueue: queue })
  const keys = await keysFor(database)
  const finance = bearer(keys.finance)
  const file = Array.from({ length: 5 }, (_, i) =>
    JSON.stringify(deepProcessing(`race-${i}`, '40000000.00')),
  ).join('\n')
  const upload = () =>
    app.inject({
      method: 'POST',
      url: '/v1/batches?mode=submit',
      headers: { ...finance, 'content-type': JSONL },
      payload: file,
    })
  await fault(database, true)
  const id = (await upload()).json().id as string
  await queue.idle()
  t.match((await app.inject({ url: `/v1/batches/${id}`, headers: finance })).json(), { status: 'failed' })
  await fault(database, false)

  const answers = await Promise.all([
    ...Array.from({ length: 3 }, () =>
      app.inject({ method: 'POST', url: `/v1/batches/${id}/retry`, headers: finance }),
    ),
    upload(),
    upload(),
  ])
  const statuses = answers.map((a) => a.statusCode)
  t.equal(statuses.filter((s) => s === 202).length, 1, `one attempt queued it (${statuses.join(' ')})`)
  t.ok(
    statuses.every((s) => s === 202 || s === 200 || s === 409),
    'the others answer the batch as it is, or that it is done',
  )
  t.ok(
    answers.every((a) => a.json().id === id || a.json().type === '/problems/batch-not-failed'),
    'all of the same batch',
  )
  await queue.idle()
  t.match((await app.inject({ url: `/v1/batches/${id}`, headers: finance })).json(), {
    status: 'done',
    rows: { total: 5, done: 5, decided: 5 },
  })
  t.equal(await count(database, 'applications'), 5, 'every application stored once')
  t.equal(await count(database, 'decisions'), 5)
  t.equal(await count(database, 'batch_results'), 5)
})
