// The §18 cap of 10 000 000.00 per project holds under 150 concurrent applications on two API
// instances (two apps on separate pools): 6% × 1 666 666.67 = 100 000.0002 → 100 000.00 each, so
// exactly 100 are granted in full and 50 capped, whatever the interleaving. Repeated on fresh
// projects so one lucky ordering cannot pass it.

import { sql } from 'kysely'
import pg from 'pg'
import pino from 'pino'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { subjectKey } from '../../src/engine/ledgers.ts'
import { requirePostgres, secondPool, testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, ENTERPRISE_A, keysFor } from '../helpers/fixtures.ts'

const projectKey = (projectId: string) =>
  subjectKey({ ledger: 'interest-subsidy', creditCode: ENTERPRISE_A, projectId })

const ROUNDS = 3
const APPLICATIONS = 150

t.test('the interest-subsidy cap holds under concurrency on two instances', async (t) => {
  if (!requirePostgres(t, 'concurrent applications on two API instances')) return
  const first = await testDatabase(t, { poolSize: 10 })
  const second = secondPool(t, first, 10)
  const logger = process.env['TEST_LOG']
    ? pino({ level: process.env['TEST_LOG'] }, pino.destination(2))
    : undefined
  const apps = [
    await buildApp({ database: first, ...(logger ? { logger } : {}) }),
    await buildApp({ database: second, ...(logger ? { logger } : {}) }),
  ]
  t.teardown(async () => {
    for (const a of apps) await a.close()
  })
  const keys = await keysFor(first)

  for (let round = 1; round <= ROUNDS; round++) {
    const project = `p-concurrent-${round}`
    const responses = await Promise.all(
      Array.from({ length: APPLICATIONS }, (_, i) =>
        apps[i % 2]!.inject({
          method: 'POST',
          url: '/v1/applications',
          headers: {
            ...bearer(i % 3 === 0 ? keys.finance : keys.enterpriseA),
            'idempotency-key': `r${round}-${i}`,
          },
          payload: deepProcessing(project, '1666666.67'),
        }),
      ),
    )
    const statuses = responses.map((r) => r.statusCode)
    t.same([...new Set(statuses)], [201], `round ${round}: every request answered 201 (no 500, no 503)`)
    if (statuses.some((s) => s !== 201)) t.comment(responses.find((r) => r.statusCode !== 201)!.body)
    const outcomes = responses.map((r) =>
      r
        .json()
        .decisions[0].evaluation.outcomes.find((o: { measure: string }) => o.measure === 'interest-subsidy'),
    )
    const full = outcomes.filter((o) => o.status === 'eligible' && o.amount === '100000.00').length
    const capped = outcomes.filter((o) => o.status === 'capped' && o.amount === '0.00').length
    t.equal(full, 100, `round ${round}: exactly 100 granted in full`)
    t.equal(capped, 50, `round ${round}: the other 50 capped`)

    const ledger = await sql<{ total: string }>`
      select total from ledger_subjects where ledger = 'interest-subsidy' and key = ${projectKey(project)}`.execute(
      first.db,
    )
    const decided = await sql<{ sum: string }>`
      select coalesce(sum(o.amount), 0)::numeric(18, 2) as sum
      from decision_outcomes o join decisions d on d.id = o.decision_id join applications a on a.id = d.application_id
      where a.project_id = ${project} and o.measure = 'interest-subsidy'`.execute(first.db)
    t.equal(ledger.rows[0]!.total, '10000000.00', `round ${round}: the ledger is exactly at the cap`)
    t.equal(
      decided.rows[0]!.sum,
      ledger.rows[0]!.total,
      `round ${round}: the ledger equals the sum of stored decisions`,
    )
  }
})

// Since the key is claimed in the decision's own transaction (migration 2026-12-03T1545), a duplicate
// no longer sees an "in progress" key (409): it waits for the first and is answered with its response.
t.test(
  'a duplicate that arrives while the first is still running waits for it and gets its response',
  async (t) => {
    if (!requirePostgres(t, 'an idempotent request racing its duplicate')) return
    const database = await testDatabase(t)
    const app = await buildApp({ database })
    t.teardown(() => app.close())
    const keys = await keysFor(database)
    // Hold the project's ledger row so the first request waits inside its transaction.
    const holder = new pg.Client({
      connectionString: process.env['TEST_DATABASE_URL']!.replace(
        /\/[^/]*$/,
        `/${database.location.split('/').pop()}`,
      ),
    })
    await holder.connect()
    t.teardown(() => holder.end())
    await holder.query('begin')
    await holder.query(
      `insert into ledger_subjects (ledger, key, total, cap) values ('interest-subsidy', $1, 0, null)`,
      [projectKey('p-409')],
    )
    const request = () =>
      app.inject({
        method: 'POST',
        url: '/v1/applications',
        headers: { ...bearer(keys.enterpriseA), 'idempotency-key': 'racing' },
        payload: deepProcessing('p-409', '1000000.00'),
      })
    const first = request()
    await new Promise((r) => setTimeout(r, 500))
    const duplicate = request()
    await new Promise((r) => setTimeout(r, 300))
    await holder.query('rollback')
    const [done, waited] = await Promise.all([first, duplicate])
    t.equal(done.statusCode, 201, 'the first completes')
    t.equal(waited.statusCode, 201, 'the duplicate waited for it')
    t.equal(waited.body, done.body, 'and got the stored response, byte for byte')
    const stored = await sql<{ n: string }>`
    select count(*)::text as n from applications where project_id = 'p-409'`.execute(database.db)
    t.equal(stored.rows[0]!.n, '1', 'stored once')
    const replay = await request()
    t.equal(replay.body, done.body, 'afterwards too')
  },
)
