// A top-up answers after its first chunk and a job funds the rest of the queue (issue #11: 240
// outcomes took 12 s before the PUT answered). The job fails mid-queue — a trigger refuses the fifth
// correction, as a dropped connection or a killed worker would — and is resumed: by the in-process
// runner's next start (PGlite's restart), and on PostgreSQL by pg-boss's retry. Whatever happens,
// the queue is funded exactly once, in submission order, never overspending, and the audit verifies.
// On PGlite and PostgreSQL (the pg-boss case on PostgreSQL only).

import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { InProcessQueue, PgBossQueue } from '../../src/batches/queue.ts'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { subjectKey } from '../../src/engine/ledgers.ts'
import { testApp } from '../helpers/app.ts'
import {
  clearCorrectionFault,
  failNthCorrection,
  interestSubsidyQueue,
  submitInterestSubsidies,
} from '../helpers/budgets.ts'
import { requirePostgres, testDatabase } from '../helpers/database.ts'
import { bearer, keysFor } from '../helpers/fixtures.ts'
import { until } from '../helpers/workers.ts'

const subject = { ledger: 'budget', year: 2015, measure: 'interest-subsidy', prefecture: null } as const
const KEY = subjectKey(subject)
/** Corrections per funding chunk: the PUT's first chunk and the job's. */
const CHUNK = 2
const WAITING = 6
/** 6% of 1 000 000.00: each application is due 60 000.00; the first is paid by 60 000.00. */
const ALL_PAID = '420000.00'

/** A queue that records what it is asked to fund and runs nothing. */
const recorder = () => {
  const keys: string[] = []
  return {
    keys,
    enqueue: async () => {},
    fundBudget: async (key: string) => {
      keys.push(key)
    },
    start: async () => {},
    stop: async () => {},
  }
}

const setUp = async (
  t: Test,
  database: DatabaseHandle,
  batchQueue: ReturnType<typeof recorder> | PgBossQueue,
) => {
  const app = await testApp(t, database, { batchQueue, budgetFundingChunk: CHUNK })
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
  await submitInterestSubsidies(t, app, finance, WAITING + 1, 'job')
  const before = await interestSubsidyQueue(database)
  t.same(
    before.map((r) => r.status),
    ['eligible', ...Array(WAITING).fill('unfunded')],
    'one paid, six waiting',
  )
  const budget = async () =>
    (await app.inject({ url: '/v1/budgets?year=2015', headers: bearer(keys.auditor) })).json().budgets[0]
  return { app, keys, put, before, budget }
}

/** Funded exactly once, in submission order, never overspent; the audit verifies. */
const checkFundedOnce = async (
  t: Test,
  database: DatabaseHandle,
  before: { id: string }[],
  verify: () => Promise<boolean>,
) => {
  t.same(
    (await interestSubsidyQueue(database)).map((r) => r.status),
    Array(WAITING + 1).fill('eligible'),
    'every queued outcome funded',
  )
  const corrections = await sql<{ supersedes: string }>`
    select supersedes from decisions where supersedes is not null order by seq`.execute(database.db)
  t.same(
    corrections.rows.map((r) => r.supersedes),
    before.slice(1).map((r) => r.id),
    'each funded once, in submission order',
  )
  const ledger = await sql<{ cap: string; total: string; journal: string }>`
    select s.cap::text as cap, s.total::text as total,
           (select coalesce(sum(e.amount), 0)::numeric(18, 2)::text from ledger_entries e
            where e.ledger = 'budget' and e.key = s.key) as journal
    from ledger_subjects s where s.ledger = 'budget'`.execute(database.db)
  t.same(ledger.rows, [{ cap: ALL_PAID, total: ALL_PAID, journal: ALL_PAID }], 'drawn = amount = its journal')
  const left = await sql`select 1 from budget_fundings`.execute(database.db)
  t.equal(left.rows.length, 0, 'no funding left under way')
  t.equal(await verify(), true, 'the audit chain verifies')
}

t.test(
  'the PUT answers after its first chunk; the job fails mid-queue and resumes at the next start',
  async (t) => {
    const database = await testDatabase(t)
    const queue = recorder()
    const { app, keys, put, before, budget } = await setUp(t, database, queue)
    await failNthCorrection(database, 5)

    const answer = await put(ALL_PAID)
    t.equal(answer.statusCode, 200, answer.body)
    const body = answer.json()
    t.same(
      body.funded.map((f: { supersededDecisionId: string }) => f.supersededDecisionId),
      before.slice(1, 1 + CHUNK).map((r) => r.id),
      'the first chunk: the head of the queue, in order',
    )
    t.match(body.budget, {
      amount: ALL_PAID,
      drawn: '180000.00',
      queue: { count: WAITING - CHUNK },
      funding: { inProgress: true, toFund: WAITING - CHUNK },
    })
    t.same(queue.keys, [KEY], 'the rest is queued as a job')
    t.match(await budget(), { funding: { inProgress: true, toFund: 4 } }, 'GET shows it too')

    // The job runs: its first chunk commits (corrections 3–4), its second fails at the fifth.
    const runner = new InProcessQueue(database.db, {
      chunkRows: 500,
      sliceMs: 60_000,
      fundingChunkOutcomes: CHUNK,
    })
    await runner.fundBudget(KEY)
    await runner.idle()
    await runner.stop()
    t.same(
      (await interestSubsidyQueue(database)).map((r) => r.status),
      [...Array(5).fill('eligible'), 'unfunded', 'unfunded'],
      'failed mid-queue: the chunks before stay funded, the head first',
    )
    t.match(
      await budget(),
      { drawn: '300000.00', funding: { inProgress: true, toFund: 2 } },
      'still under way',
    )

    // The process restarts (PGlite: the runner's start resumes every funding under way).
    await clearCorrectionFault(database)
    const restarted = new InProcessQueue(database.db, {
      chunkRows: 500,
      sliceMs: 60_000,
      fundingChunkOutcomes: CHUNK,
    })
    t.teardown(() => restarted.stop())
    await restarted.start()
    await restarted.idle()
    t.match(await budget(), {
      drawn: ALL_PAID,
      queue: { count: 0 },
      funding: { inProgress: false, toFund: 0 },
    })

    // The same PUT again (and a stray job) fund nothing twice.
    const again = await put(ALL_PAID)
    t.same(again.json().funded, [], 'the same PUT again: nothing left to fund')
    await restarted.fundBudget(KEY)
    await restarted.idle()
    await checkFundedOnce(
      t,
      database,
      before,
      async () => (await app.inject({ url: '/v1/audit/verify', headers: bearer(keys.auditor) })).json().valid,
    )
  },
)

t.test('pg-boss: the funding job fails mid-queue, pg-boss retries it, funded once in order', async (t) => {
  if (!requirePostgres(t, 'the budget funding job on pg-boss')) return
  const database = await testDatabase(t)
  const queue = new PgBossQueue(database.db, {
    connectionString: database.location,
    workers: 1,
    chunkRows: 500,
    sliceMs: 60_000,
    fundingChunkOutcomes: CHUNK,
    expireSeconds: 30,
    maintenanceSeconds: 1,
    pollingSeconds: 1,
    retryDelaySeconds: 1,
  })
  t.teardown(() => queue.stop())
  const { app, keys, put, before } = await setUp(t, database, queue)
  await failNthCorrection(database, 5)

  const answer = await put(ALL_PAID)
  t.equal(answer.statusCode, 200, answer.body)
  t.equal(answer.json().funded.length, CHUNK, 'the PUT funded its first chunk')
  t.equal(answer.json().budget.funding.inProgress, true)

  // The job's second chunk fails; pg-boss marks the job for a retry.
  await until('the job to fail', async () => {
    const r = await sql`select 1 from pgboss.job where name = 'budget-funding' and state = 'retry'`.execute(
      database.db,
    )
    return r.rows.length > 0
  })
  t.same(
    (await interestSubsidyQueue(database)).map((r) => r.status),
    [...Array(5).fill('eligible'), 'unfunded', 'unfunded'],
    'failed mid-queue: the chunks before stay funded',
  )
  await clearCorrectionFault(database)
  await until('the funding to finish', async () => {
    const r = await sql`select 1 from budget_fundings`.execute(database.db)
    return r.rows.length === 0
  })
  await checkFundedOnce(
    t,
    database,
    before,
    async () => (await app.inject({ url: '/v1/audit/verify', headers: bearer(keys.auditor) })).json().valid,
  )
})

t.test(
  'pg-boss: a funding whose job was never sent (the PUT’s process died) is found by the sweep',
  async (t) => {
    if (!requirePostgres(t, 'the sweep of budget fundings without a job')) return
    const database = await testDatabase(t)
    // The PUT's process: its first chunk commits, then it dies before sending the job (a queue that
    // sends nothing).
    const { app, keys, put, before } = await setUp(t, database, recorder())
    const answer = await put(ALL_PAID)
    t.equal(answer.json().budget.funding.inProgress, true, 'the funding is recorded')
    await sql`update budget_fundings set updated_at = now() - interval '1 minute'`.execute(database.db)
    const workers = new PgBossQueue(database.db, {
      connectionString: database.location,
      workers: 1,
      chunkRows: 500,
      sliceMs: 60_000,
      fundingChunkOutcomes: CHUNK,
      expireSeconds: 30,
      maintenanceSeconds: 1,
      pollingSeconds: 1,
    })
    t.teardown(() => workers.stop())
    await workers.start() // its sweep runs at once, and every second after
    const end = Date.now() + 30_000
    while ((await sql`select 1 from budget_fundings`.execute(database.db)).rows.length > 0) {
      if (Date.now() > end) throw new Error('timed out waiting for the funding to finish')
      await new Promise((r) => setTimeout(r, 50))
    }
    await checkFundedOnce(
      t,
      database,
      before,
      async () => (await app.inject({ url: '/v1/audit/verify', headers: bearer(keys.auditor) })).json().valid,
    )
  },
)
