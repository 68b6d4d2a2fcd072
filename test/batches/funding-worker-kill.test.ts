// A budget top-up's funding job killed mid-queue (issue #11): the PUT answers after its first chunk
// of DEFAULT_FUNDING_CHUNK corrections; a worker PROCESS (`npm run worker`, pg-boss) takes the rest
// and is killed with SIGKILL after its first chunk committed; a second worker process takes the
// expired job over. The queue ends funded exactly once, in submission order, the budget drawn to
// the cent of what the current decisions pay. Runs on a fresh database of the shared PostgreSQL
// (needs TEST_DATABASE_URL; under CI it fails rather than skip without it).

import { sql } from 'kysely'
import t from 'tap'
import { PgBossQueue } from '../../src/batches/queue.ts'
import { DEFAULT_FUNDING_CHUNK } from '../../src/decisions/budgets.ts'
import { testApp } from '../helpers/app.ts'
import { submitInterestSubsidies } from '../helpers/budgets.ts'
import { requirePostgres, testDatabase } from '../helpers/database.ts'
import { bearer, keysFor } from '../helpers/fixtures.ts'
import { startWorker, until } from '../helpers/workers.ts'

/** Queued outcomes: the PUT's chunk, the killed worker's chunk, and some for the second worker. */
const QUEUED = 2 * DEFAULT_FUNDING_CHUNK + 20
const DUE_FEN = 60_000_00n // 6% of 1 000 000.00
t.test(
  'a funding worker killed mid-queue: another takes over, each outcome funded once, in order',
  async (t) => {
    if (!requirePostgres(t, 'killing a pg-boss funding worker process')) return
    const database = await testDatabase(t)
    const url = database.location
    // The API only queues (0 workers): the funding is the worker processes'.
    const queue = new PgBossQueue(database.db, {
      connectionString: url,
      workers: 0,
      chunkRows: 500,
      sliceMs: 10_000,
      expireSeconds: 3,
      maintenanceSeconds: 1,
      pollingSeconds: 1,
    })
    t.teardown(() => queue.stop())
    const app = await testApp(t, database, { batchQueue: queue })
    const keys = await keysFor(database)
    const finance = bearer(keys.finance)
    const put = (amount: string) =>
      app.inject({
        method: 'PUT',
        url: '/v1/budgets/2015/interest-subsidy',
        headers: finance,
        payload: { amount },
      })
    t.equal((await put('60000.00')).statusCode, 200)
    await submitInterestSubsidies(t, app, finance, QUEUED + 1, 'kill')
    const queued = (
      await sql<{ id: string }>`
      select d.id from applications a join decisions d on d.application_id = a.id
      order by a.seq`.execute(database.db)
    ).rows.slice(1)
    t.equal(queued.length, QUEUED)

    const all = ((DUE_FEN * BigInt(QUEUED + 1)) / 100n).toString()
    const answer = await put(`${all}.00`)
    t.equal(answer.statusCode, 200, answer.body)
    t.equal(answer.json().funded.length, DEFAULT_FUNDING_CHUNK, 'the PUT answered after its first chunk')
    t.match(answer.json().budget.funding, { inProgress: true, toFund: QUEUED - DEFAULT_FUNDING_CHUNK })

    const funded = async () =>
      Number(
        (
          await sql<{
            n: string
          }>`select count(*)::text as n from decisions where supersedes is not null`.execute(database.db)
        ).rows[0]!.n,
      )
    const first = startWorker(url)
    const killed = new Promise((resolve) => first.once('exit', resolve))
    await until('the worker’s first chunk', async () => (await funded()) > DEFAULT_FUNDING_CHUNK, 120_000)
    first.kill('SIGKILL')
    await killed
    const atKill = await funded()
    t.ok(atKill < QUEUED, `killed mid-queue, ${atKill} of ${QUEUED} funded`)

    const second = startWorker(url)
    t.teardown(() => {
      second.kill('SIGKILL')
    })
    await until(
      'the funding to finish',
      async () => (await sql`select 1 from budget_fundings`.execute(database.db)).rows.length === 0,
      120_000,
    )
    const corrections = await sql<{ supersedes: string }>`
    select supersedes from decisions where supersedes is not null order by seq`.execute(database.db)
    t.same(
      corrections.rows.map((r) => r.supersedes),
      queued.map((r) => r.id),
      'every queued outcome funded once, in submission order',
    )
    const budget = (await app.inject({ url: '/v1/budgets?year=2015', headers: finance })).json().budgets[0]
    t.match(budget, {
      amount: `${all}.00`,
      drawn: `${all}.00`,
      queue: { count: 0 },
      funding: { inProgress: false, toFund: 0 },
    })
    const verify = await app.inject({ url: '/v1/audit/verify', headers: bearer(keys.auditor) })
    t.equal(verify.json().valid, true, 'the audit chain verifies')
  },
)
