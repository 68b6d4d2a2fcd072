// No batch stays `running` behind a job pg-boss gave up on (issue #11). On PostgreSQL (pg-boss):
//   - a slice that fails on every try: on its last one the batch fails, with the error, and a retry
//     (POST /v1/batches/{id}/retry) once the fault is gone finishes it, no row granted twice;
//   - a job that pg-boss failed without the handler (expired on its last try: its worker killed), or
//     that was cancelled: the worker's sweep fails the batch with pg-boss's reason;
//   - a batch whose job was never sent (the send failed after the upload was sealed): the sweep
//     sends it one, and the batch finishes.
// Needs TEST_DATABASE_URL (under CI it fails rather than skip without it).

import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { PgBossQueue } from '../../src/batches/queue.ts'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { testApp } from '../helpers/app.ts'
import { requirePostgres, testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'
import { until as untilHolds } from '../helpers/workers.ts'

const queueOn = (database: DatabaseHandle, workers: number) =>
  new PgBossQueue(database.db, {
    connectionString: database.location,
    workers,
    chunkRows: 2,
    sliceMs: 60_000,
    expireSeconds: 30,
    maintenanceSeconds: 1,
    pollingSeconds: 0.5,
    retryLimit: 1,
    retryDelaySeconds: 0,
  })

/** Polled every 200 ms: the sweep runs every maintenance interval, seconds apart. */
const until = (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) =>
  untilHolds(what, check, timeoutMs, 200)

const setup = async (t: Test, workers: number) => {
  const database = await testDatabase(t)
  const queue = queueOn(database, workers)
  t.teardown(() => queue.stop())
  const app: FastifyInstance = await testApp(t, database, { batchQueue: queue })
  await queue.start()
  const keys = await keysFor(database)
  const upload = async (prefix: string) => {
    const rows = Array.from({ length: 5 }, (_, i) =>
      JSON.stringify(deepProcessing(`${prefix}-${i}`, '40000000.00')),
    )
    const r = await app.inject({
      method: 'POST',
      url: '/v1/batches?mode=submit',
      headers: { ...bearer(keys.finance), 'content-type': 'application/jsonl' },
      payload: rows.join('\n'),
    })
    t.equal(r.statusCode, 202, r.body)
    return r.json().id as string
  }
  const batchOf = async (id: string) =>
    (await app.inject({ url: `/v1/batches/${id}`, headers: bearer(keys.finance) })).json()
  const settled = (id: string) =>
    until(`batch ${id} to settle`, async () => ['done', 'failed'].includes((await batchOf(id)).status))
  return { database, queue, app, keys, upload, batchOf, settled }
}

t.test('a slice failing on every try: the batch fails with the error, and a retry finishes it', async (t) => {
  if (!requirePostgres(t, 'pg-boss retries')) return
  const { database, app, keys, upload, batchOf, settled } = await setup(t, 1)
  await sql`create table fail_results (on_ boolean)`.execute(database.db)
  await sql`insert into fail_results values (true)`.execute(database.db)
  await sql`
    create function fail_results() returns trigger language plpgsql as $$
    begin
      if new.row_no > 2 and exists (select 1 from fail_results) then
        raise exception 'could not extend file: No space left on device';
      end if;
      return new;
    end $$`.execute(database.db)
  await sql`create trigger fail_results before insert on batch_results
            for each row execute function fail_results()`.execute(database.db)
  const id = await upload('exhausted')
  await settled(id)
  const failed = await batchOf(id)
  t.match(failed, { status: 'failed', rows: { done: 2 } }, 'failed after its retries, not left running')
  t.match(failed.error, /stopped at row 3 of 5: could not extend file/, 'with the error')
  const tries = await sql<{ state: string; retry_count: number }>`
    select state::text, retry_count from pgboss.job where data ->> 'batchId' = ${id}`.execute(database.db)
  t.same(
    tries.rows.map((r) => [r.state, r.retry_count]),
    [['failed', 1]],
    'pg-boss tried the slice twice (retryLimit 1) and gave up',
  )

  await sql`delete from fail_results`.execute(database.db)
  const retry = await app.inject({
    method: 'POST',
    url: `/v1/batches/${id}/retry`,
    headers: bearer(keys.finance),
  })
  t.equal(retry.statusCode, 202, retry.body)
  await settled(id)
  t.match(await batchOf(id), { status: 'done', error: null, rows: { total: 5, decided: 5, failed: 0 } })
  const n = await sql<{ n: string }>`select count(*)::text as n from applications`.execute(database.db)
  t.equal(n.rows[0]!.n, '5', 'each application stored once')
})

t.test('jobs pg-boss failed or cancelled, or never sent: the sweep fails or resends', async (t) => {
  if (!requirePostgres(t, 'pg-boss sweep')) return
  // The API only queues (no worker): the jobs wait, and the test changes them as pg-boss would.
  const { database, upload, batchOf, settled } = await setup(t, 0)
  const expired = await upload('expired')
  const cancelled = await upload('cancelled')
  const lost = await upload('lost')
  // What pg-boss's maintenance writes for a job expired on its last try; a cancel; a job lost.
  await sql`update pgboss.job set state = 'failed',
              output = '{"value": {"message": "job failed by timeout in active state"}}'
            where data ->> 'batchId' = ${expired}`.execute(database.db)
  await sql`update pgboss.job set state = 'cancelled' where data ->> 'batchId' = ${cancelled}`.execute(
    database.db,
  )
  await sql`delete from pgboss.job where data ->> 'batchId' = ${lost}`.execute(database.db)
  // Within the sweep's grace (an upload is sealed a moment before its job is sent), nothing happens.
  const worker = queueOn(database, 1)
  t.teardown(() => worker.stop())
  await worker.start()
  t.equal((await batchOf(expired)).status, 'queued', 'a batch changed just now is left alone')
  await sql`update batches set updated_at = now() - interval '1 minute'`.execute(database.db)
  await worker.sweep()
  await settled(expired)
  await settled(cancelled)
  await settled(lost)
  t.match(
    await batchOf(expired),
    { status: 'failed', error: /its job failed on its last try: job failed by timeout in active state/ },
    'expired on its last try: failed, with pg-boss’s reason',
  )
  t.match(await batchOf(cancelled), { status: 'failed', error: /its job was cancelled/ }, 'cancelled: failed')
  t.match(
    await batchOf(lost),
    { status: 'done', rows: { decided: 5 } },
    'never sent: the sweep sent its job and it ran to the end',
  )
})
