// pg-boss works as DATABASE_ROLE, like the rest of the service (src/batches/queue.ts,
// src/db/queue-connection.ts): its schema and queue are installed by the connecting user with the
// migrations; its workers then connect as DATABASE_URL's user and SET the role, and a batch runs to
// the end with no more privilege than the role holds.

import { sql } from 'kysely'
import t from 'tap'
import { installBatchQueue, PgBossQueue } from '../../src/batches/queue.ts'
import { openPostgres } from '../../src/db/database.ts'
import type { QueueDb } from '../../src/db/queue-connection.ts'
import { testApp } from '../helpers/app.ts'
import { requirePostgres, testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

const ROLE = 'incentives_app'

t.test('the batch queue runs as DATABASE_ROLE, not as the connecting user', async (t) => {
  if (!requirePostgres(t, 'pg-boss and the service role (roles are a PostgreSQL server feature)')) return
  const owner = await testDatabase(t)
  const url = owner.location
  await installBatchQueue(url, ROLE, 30)
  // Installing twice (two instances starting, or a restart) changes nothing and fails nothing.
  await installBatchQueue(url, ROLE, 30)

  const service = openPostgres(url, 4, ROLE)
  t.teardown(() => service.close())
  const queue = new PgBossQueue(service.db, {
    connectionString: url,
    role: ROLE,
    workers: 1,
    chunkRows: 2,
    sliceMs: 500,
    expireSeconds: 30,
    maintenanceSeconds: 1,
    pollingSeconds: 0.5,
  })
  t.teardown(() => queue.stop())
  const app = await testApp(t, service, { batchQueue: queue })
  await queue.start()
  const keys = await keysFor(owner)

  const boss = queue.boss.getDb() as unknown as QueueDb
  const who = await boss.executeSql('select current_user as role, session_user as login')
  t.same(who.rows[0], { role: ROLE, login: 'postgres' }, "pg-boss's connections work as the role")
  await t.rejects(
    boss.executeSql('create table pgboss.intruder (x int)'),
    { code: '42501' },
    'and hold no more than the role: no DDL in the queue schema',
  )

  const rows = Array.from({ length: 5 }, (_, i) => deepProcessing(`role-line-${i}`, '40000000.00'))
  const upload = await app.inject({
    method: 'POST',
    url: '/v1/batches?mode=submit',
    headers: { ...bearer(keys.finance), 'content-type': 'application/jsonl' },
    payload: rows.map((r) => JSON.stringify(r)).join('\n'),
  })
  t.equal(upload.statusCode, 202, upload.body)
  const id = upload.json().id as string
  const end = Date.now() + 60_000
  let batch = upload.json()
  while (batch.status !== 'done' && batch.status !== 'failed' && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200))
    batch = (await app.inject({ url: `/v1/batches/${id}`, headers: bearer(keys.finance) })).json()
  }
  t.match(batch, { status: 'done', rows: { total: 5, decided: 5, failed: 0 } }, 'the batch ran to the end')
  // The job completes (as the role, through pg-boss's own tables) just after the batch is done.
  const completed = async () =>
    Number(
      (
        await sql<{ n: string }>`
          select count(*)::text as n from pgboss.job where name = 'batches' and state = 'completed'`.execute(
          owner.db,
        )
      ).rows[0]!.n,
    )
  while ((await completed()) === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 200))
  t.ok((await completed()) >= 1, 'its pg-boss job completed')
  const stored = await sql<{ n: string }>`select count(*)::text as n from applications`.execute(owner.db)
  t.equal(stored.rows[0]!.n, '5', 'every row stored')

  // A dry run of several chunks keeps its rows' would-be claims with the batch for the chunks after
  // (batch_dry_chunks: written, read, deleted when done), as the role too.
  const dry = await app.inject({
    method: 'POST',
    url: '/v1/batches?mode=dry-run',
    headers: { ...bearer(keys.finance), 'content-type': 'application/jsonl' },
    payload: Array.from({ length: 5 }, () => JSON.stringify(deepProcessing('role-dry', '90000000.00'))).join(
      '\n',
    ),
  })
  t.equal(dry.statusCode, 202, dry.body)
  let dryBatch = dry.json()
  while (dryBatch.status !== 'done' && dryBatch.status !== 'failed' && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200))
    dryBatch = (await app.inject({ url: `/v1/batches/${dryBatch.id}`, headers: bearer(keys.finance) })).json()
  }
  t.match(
    dryBatch,
    { status: 'done', rows: { total: 5, decided: 5, failed: 0 } },
    'the dry run ran to the end',
  )
})
