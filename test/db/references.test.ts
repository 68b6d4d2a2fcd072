// Migration 2026-12-05T1900 dropped the foreign keys among the rows one stored decision writes
// (issue #10: a row-lock WAL record per parent, and a MultiXact on the caller's API key), and
// 2026-12-07T2200 those of a batch's results (issue #11: three triggers per result row). What they
// guarded must still hold: after writes of every kind — concurrent applications against a budget,
// every worked example, a top-up funding the queue as corrections, a correction, a batch submitted
// and one dry run — no row names a parent that does not exist. The check itself is shown able to fail (an orphan planted by
// hand is found), and the parents cannot go away: the service's role may not delete an API key.
// PGlite and PostgreSQL.

import { sql } from 'kysely'
import t from 'tap'
import { InProcessQueue } from '../../src/batches/queue.ts'
import { DEFAULT_RUN_OPTIONS } from '../../src/batches/run.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'
import { DROPPED, REFERENCES_SQL, type ReferenceCount } from '../helpers/references.ts'
import { EXAMPLES } from '../helpers/requests.ts'

t.test('no row names a missing parent after writes of every kind', async (t) => {
  const database = await testDatabase(t)
  const queue = new InProcessQueue(database.db, DEFAULT_RUN_OPTIONS)
  const app = await testApp(t, database, { batchQueue: queue })
  const keys = await keysFor(database)
  const finance = bearer(keys.finance)

  const constraints = await sql<{ name: string }>`
    select conname as name from pg_constraint where contype = 'f'`.execute(database.db)
  const left = constraints.rows.map((r) => r.name).filter((n) => DROPPED.some(([, c]) => c === n))
  t.same(left, [], 'the foreign keys the migration names are gone')
  const canDelete = await sql<{ yes: boolean }>`
    select has_table_privilege('incentives_app', 'api_keys', 'DELETE') as yes`.execute(database.db)
  t.equal(canDelete.rows[0]?.yes, false, 'the service role cannot delete an API key')
  const canDeleteResults = await sql<{ yes: boolean }>`
    select has_table_privilege('incentives_app', 'batch_results', 'DELETE') as yes`.execute(database.db)
  t.equal(canDeleteResults.rows[0]?.yes, false, "nor a batch's result")

  const budget = (amount: string) =>
    app.inject({
      method: 'PUT',
      url: '/v1/budgets/2015/interest-subsidy',
      headers: finance,
      payload: { amount },
    })
  t.equal((await budget('120000.00')).statusCode, 200, 'a budget for two applications')
  const posted = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      app.inject({
        method: 'POST',
        url: '/v1/applications',
        headers: { ...bearer(keys.enterpriseA), 'idempotency-key': `ref-${i}` },
        payload: deepProcessing(`ref-${i}`, '1000000.00'),
      }),
    ),
  )
  t.same(
    posted.map((r) => r.statusCode),
    Array(6).fill(201),
    'six applications at once: two funded, four queued',
  )
  for (const example of EXAMPLES) {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...finance, 'idempotency-key': `ref-${example.name}` },
      payload: example.body.application,
    })
    t.equal(r.statusCode, 201, r.statusCode === 201 ? `${example.name} stored` : r.body)
  }
  t.equal((await budget('360000.00')).statusCode, 200, 'a top-up funds the queue, as corrections')
  // The first application's current decision: which of the six the budget funded depends on the
  // order they reached it, and the top-up superseded the queued ones.
  const first = await app.inject({ url: `/v1/applications/${posted[0]!.json().id}`, headers: finance })
  const current = (first.json() as { decisions: { id: string }[] }).decisions.at(-1)!.id
  const corrected = await app.inject({
    method: 'POST',
    url: `/v1/decisions/${current}/corrections`,
    headers: { ...finance, 'idempotency-key': 'ref-correction' },
    payload: { reason: 'checked again' },
  })
  t.equal(corrected.statusCode, 201, 'a correction')
  const batch = await app.inject({
    method: 'POST',
    url: '/v1/batches?mode=submit',
    headers: { ...finance, 'content-type': 'application/jsonl' },
    payload: [0, 1, 2].map((i) => JSON.stringify(deepProcessing(`ref-batch-${i}`, '1000000.00'))).join('\n'),
  })
  t.equal(batch.statusCode, 202, 'a batch')
  const dryRun = await app.inject({
    method: 'POST',
    url: '/v1/batches?mode=dry-run',
    headers: { ...finance, 'content-type': 'application/jsonl' },
    payload: [0, 1].map((i) => JSON.stringify(deepProcessing(`ref-dry-${i}`, '1000000.00'))).join('\n'),
  })
  t.equal(dryRun.statusCode, 202, 'a dry run')
  await queue.idle()
  const done = await app.inject({ url: batch.headers.location as string, headers: finance })
  t.match(done.json(), { status: 'done', rows: { decided: 3 } }, 'the batch decided its rows')
  const previewed = await app.inject({ url: dryRun.headers.location as string, headers: finance })
  t.match(previewed.json(), { status: 'done', rows: { decided: 2 } }, 'the dry run decided its rows')

  const counts = (await sql.raw<ReferenceCount>(REFERENCES_SQL).execute(database.db)).rows
  t.same(
    counts.filter((c) => c.dangling > 0),
    [],
    'no row names a missing parent',
  )
  t.same(
    counts.filter((c) => c.checked === 0).map((c) => c.reference),
    [],
    `every reference was written and checked (${counts.map((c) => `${c.reference} ${c.checked}`).join(', ')})`,
  )

  // The check finds what it is there to find: an ineligible row naming a decision and an
  // application that do not exist.
  await sql`
    insert into decision_ineligible (decision_id, application_id, prefecture, year, application_date, measures, current)
    values (gen_random_uuid(), gen_random_uuid(), 'qujing', 2015, '2015-06-01', 1, true)`.execute(database.db)
  const planted = (await sql.raw<ReferenceCount>(REFERENCES_SQL).execute(database.db)).rows
  t.same(
    planted.filter((c) => c.dangling > 0).map((c) => [c.reference, c.dangling]),
    [
      ['decision_ineligible.application_id', 1],
      ['decision_ineligible.decision_id', 1],
    ],
    'a planted orphan is found',
  )
})
