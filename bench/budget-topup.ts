// How long a budget top-up takes to answer (issue #11: a PUT over 240 queued outcomes answered after
// 12 s, once the whole queue was funded). This branch's PUT answers after the first funding chunk
// and leaves the rest to the funding job; the baseline is setBudget, which funds the whole queue
// before returning — exactly what main's PUT route called. Each round: a fresh PostgreSQL database
// (bench/postgres.ts), a budget of 60 000.00 paid by the first application, QUEUED more applications
// of 60 000.00 due each waiting, then the top-up that covers them all. Alternating rounds, one process;
// wall time and this process's CPU time (on PostgreSQL the server's CPU is not in it; with
// BENCH_PGLITE=1 the database is an in-memory PGlite in this process, so it is) to the answer, and
// to the whole queue funded.
//   npx tsx bench/budget-topup.ts [queued=240] [rounds=2]
//   BENCH_PGLITE=1 npx tsx bench/budget-topup.ts [queued=240] [rounds=2]
//   BENCH_MODES=branch,direct,baseline …   (which variants, in this order each round)
import { buildApp } from '../src/app.ts'
import type { Caller } from '../src/auth/api-keys.ts'
import { type DatabaseHandle, openPglite, openPostgres } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrator.ts'
import { changeBudget, continueFunding, setBudget } from '../src/decisions/budgets.ts'
import { subjectKey } from '../src/engine/ledgers.ts'
import { bearer, deepProcessing, keysFor } from '../test/helpers/fixtures.ts'
import { createBenchDatabase, dropBenchDatabase } from './postgres.ts'

const QUEUED = Number(process.argv[2] ?? 240)
const ROUNDS = Number(process.argv[3] ?? 2)
const DUE = 60_000 // yuan: 6% of 1 000 000.00
const subject = { ledger: 'budget', year: 2015, measure: 'interest-subsidy', prefecture: null } as const
const noQueue = {
  enqueue: async () => {},
  fundBudget: async () => {},
  start: async () => {},
  stop: async () => {},
}

const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

const PGLITE = process.env['BENCH_PGLITE'] === '1'

/** A fresh database for a round, and how to drop it. */
const freshDatabase = async (): Promise<{ database: DatabaseHandle; drop: () => Promise<void> }> => {
  if (PGLITE) {
    const database = await openPglite('memory://')
    await migrateToLatest(database.db)
    return { database, drop: () => database.close() }
  }
  const bench = await createBenchDatabase()
  const database = openPostgres(bench.url, 4)
  return {
    database,
    drop: async () => {
      await database.close()
      await dropBenchDatabase(bench.name)
    },
  }
}

/**
 * branch: the PUT route, then the funding job's continueFunding; direct: the same two steps without
 * HTTP (changeBudget, then continueFunding); baseline: setBudget, the whole queue at once.
 */
type Mode = 'branch' | 'direct' | 'baseline'
const MODES = (process.env['BENCH_MODES'] ?? 'branch,baseline').split(',') as Mode[]

const round = async (label: Mode) => {
  const { database, drop } = await freshDatabase()
  try {
    const keys = await keysFor(database)
    const app = await buildApp({ database, batchQueue: noQueue })
    const finance = bearer(keys.finance)
    const put = (amount: string) =>
      app.inject({
        method: 'PUT',
        url: '/v1/budgets/2015/interest-subsidy',
        headers: finance,
        payload: { amount },
      })
    await put(`${DUE}.00`)
    for (let i = 0; i <= QUEUED; i++) {
      const r = await app.inject({
        method: 'POST',
        url: '/v1/applications',
        headers: { ...finance, 'idempotency-key': `topup-${i}` },
        payload: deepProcessing(`topup-${i}`, '1000000.00'),
      })
      if (r.statusCode !== 201) throw new Error(r.body)
    }
    const amount = `${DUE * (QUEUED + 1)}.00`
    const who = (await app.inject({ url: '/v1/keys/current', headers: finance })).json() as { id: string }
    const caller: Caller = { keyId: who.id, role: 'finance', enterprise: null }
    const wall0 = performance.now()
    const cpu0 = cpuMs()
    let answered: { wall: number; cpu: number; funded: number }
    if (label === 'branch') {
      const r = await put(amount)
      answered = { wall: performance.now() - wall0, cpu: cpuMs() - cpu0, funded: r.json().funded.length }
      await continueFunding(database.db, subjectKey(subject))
    } else if (label === 'direct') {
      const r = await changeBudget(database.db, caller, subject, amount, null)
      answered = { wall: performance.now() - wall0, cpu: cpuMs() - cpu0, funded: r.funded.length }
      await continueFunding(database.db, subjectKey(subject))
    } else {
      const r = await setBudget(database.db, caller, subject, amount, null)
      answered = { wall: performance.now() - wall0, cpu: cpuMs() - cpu0, funded: r.funded.length }
    }
    const all = { wall: performance.now() - wall0, cpu: cpuMs() - cpu0 }
    const left = (await put(amount)).json().budget
    if (left.queue.count !== 0 || left.drawn !== amount)
      throw new Error(`not all funded: ${JSON.stringify(left)}`)
    await app.close()
    return { answered, all }
  } finally {
    await drop()
  }
}

const rows: string[] = []
for (let r = 0; r < ROUNDS; r++)
  for (const label of MODES) {
    const { answered, all } = await round(label)
    rows.push(
      `${label.padEnd(8)} round ${r + 1}: answer ${(answered.wall / 1000).toFixed(2)} s wall, ${(answered.cpu / 1000).toFixed(2)} s CPU (${answered.funded} funded); whole queue ${(all.wall / 1000).toFixed(2)} s wall, ${(all.cpu / 1000).toFixed(2)} s CPU`,
    )
    console.log(rows[rows.length - 1])
  }
