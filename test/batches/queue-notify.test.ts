// A batch enqueued by a process that runs workers starts at once (src/batches/queue.ts, enqueue):
// the idle worker is woken rather than left to its next poll. With a polling interval of 600 s (the
// longest BATCH_QUEUE_POLLING_SECONDS allows), a batch uploaded after the worker's first, empty poll
// would otherwise wait ten minutes; here it must be done well before that (the 120 s below is a
// deadline for a hang, not a speed measurement).

import t from 'tap'
import { PgBossQueue } from '../../src/batches/queue.ts'
import { testApp } from '../helpers/app.ts'
import { requirePostgres, testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

t.test('an uploaded batch wakes the idle worker of its process', async (t) => {
  if (!requirePostgres(t, 'pg-boss (PGlite runs batches in process)')) return
  const database = await testDatabase(t)
  const queue = new PgBossQueue(database.db, {
    connectionString: database.location,
    workers: 1,
    chunkRows: 2,
    sliceMs: 10_000,
    expireSeconds: 30,
    maintenanceSeconds: 60,
    pollingSeconds: 600,
  })
  t.teardown(() => queue.stop())
  const app = await testApp(t, database, { batchQueue: queue })
  await queue.start()
  const keys = await keysFor(database)
  // Let the worker's first poll find the queue empty: it then sleeps for the polling interval.
  await new Promise((r) => setTimeout(r, 1_000))

  const rows = Array.from({ length: 3 }, (_, i) => deepProcessing(`notify-line-${i}`, '40000000.00'))
  const upload = await app.inject({
    method: 'POST',
    url: '/v1/batches?mode=dry-run',
    headers: { ...bearer(keys.finance), 'content-type': 'application/jsonl' },
    payload: rows.map((r) => JSON.stringify(r)).join('\n'),
  })
  t.equal(upload.statusCode, 202, upload.body)
  const id = upload.json().id as string
  const end = Date.now() + 120_000
  let batch = upload.json()
  while (batch.status !== 'done' && batch.status !== 'failed' && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100))
    batch = (await app.inject({ url: `/v1/batches/${id}`, headers: bearer(keys.finance) })).json()
  }
  t.match(
    batch,
    { status: 'done', rows: { total: 3, decided: 3, failed: 0 } },
    'the batch ran without a poll',
  )
})
