// The write path of POST /v1/applications in process, on a fresh PostgreSQL database (issue #10,
// "The stored decision is one round trip"): the statements each request sends (pg.Client.query calls,
// by their first words), and the CPU time of this process per request, sequential (one in flight) so
// the time is the route's own. `npx tsx bench/write-path.ts [N]`; WRITE_PATH_PROFILE=1 adds a CPU
// profile of the measured part (write-path.cpuprofile in the OS temporary directory; open it in
// Chrome DevTools).

import { writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import type { Caller } from '../src/auth/api-keys.ts'
import { loadConfig } from '../src/config.ts'
import { setBudgetAmount } from '../src/db/budget-repository.ts'
import { type DatabaseHandle, openPostgres } from '../src/db/database.ts'
import { historyFor, readSubjects, subjectsOf } from '../src/db/ledger-repository.ts'
import { setStoreGroup } from '../src/db/store-groups.ts'
import {
  inputHash,
  precheck,
  submitApplication,
  submitLocked,
  writePathCounts,
} from '../src/decisions/decide.ts'
import type { Application } from '../src/engine/types.ts'
import { deepProcessing } from '../test/helpers/fixtures.ts'
import { backendCpu, benchApplications, createBenchDatabase, dropBenchDatabase } from './postgres.ts'

const N = Number(process.argv[2] ?? '300')
/** WRITE_PATH_IN_FLIGHT: applications in flight at once in the comparison (default 1; the pool has 10) */
const IN_FLIGHT = Number(process.env['WRITE_PATH_IN_FLIGHT'] || '1')
/**
 * WRITE_PATH_PROJECTS: the comparison's applications cycle through this many projects (contention on
 * their ledger rows: the two-statement path then finds the state moved, and decides again locked);
 * default 0, a new project each
 */
const PROJECTS = Number(process.env['WRITE_PATH_PROJECTS'] || '0')
/** WRITE_PATH_BUDGET: an amount for the 2015 interest-subsidy budget, drawn by every application */
const BUDGET = process.env['WRITE_PATH_BUDGET'] || null

const statements = new Map<string, number>()
let counting = false
const originalQuery = pg.Client.prototype.query
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (counting) {
    const first = args[0]
    const text = typeof first === 'string' ? first : String((first as { text?: string })?.text ?? '?')
    const head = text.replace(/\s+/g, ' ').trim().slice(0, 48)
    statements.set(head, (statements.get(head) ?? 0) + 1)
  }
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args)
} as typeof pg.Client.prototype.query

const main = async () => {
  const bench = await createBenchDatabase()
  const database = openPostgres(bench.url, 10)
  setStoreGroup(database.db, loadConfig(process.env).storeGroup)
  try {
    const { app, post } = await benchApplications(database, bench.enterpriseKey)
    for (let i = 0; i < 100; i++) await post(`warm-${i}`)
    const session = process.env['WRITE_PATH_PROFILE'] ? new Session() : null
    if (session) {
      session.connect()
      await session.post('Profiler.enable')
      await session.post('Profiler.start')
    }
    counting = true
    const cpu = process.cpuUsage()
    const started = performance.now()
    for (let i = 0; i < N; i++) await post(`m-${i}`)
    const used = process.cpuUsage(cpu)
    const wall = performance.now() - started
    counting = false
    if (session) {
      const { profile } = await session.post('Profiler.stop')
      await writeFile(join(tmpdir(), 'write-path.cpuprofile'), JSON.stringify(profile))
    }
    let total = 0
    for (const n of statements.values()) total += n
    console.log(`${N} POST /v1/applications, one at a time: ${(wall / N).toFixed(2)} ms wall each,`)
    console.log(`  ${((used.user + used.system) / N / 1000).toFixed(2)} ms CPU of this process each`)
    console.log(`  ${(total / N).toFixed(2)} statements (round trips) each:`)
    for (const [head, n] of [...statements].sort((a, b) => b[1] - a[1]))
      console.log(`   ${(n / N).toFixed(2)}  ${head}`)
    // Whether the route can reuse its precheck (src/decisions/decide.ts: only when the history under
    // the subjects is empty): the history the next application of the same enterprise would see.
    const facts = deepProcessing('next', '120000000.00') as Application
    const subjects = subjectsOf(facts)
    const history = await historyFor(database.db, subjects, await readSubjects(database.db, subjects))
    console.log(
      `  the next application's history: ${history.totals?.length ?? 0} totals, ${history.grants?.length ?? 0} grants` +
        ` over ${subjects.length} subjects (${subjects.map((s) => s.ledger).join(', ')})`,
    )
    const counts = { ...writePathCounts }
    console.log(
      `  paths of every POST so far: ${counts.checked} in two statements (${counts.reused} reusing the precheck's record), ` +
        `${counts.stale} stale, ${counts.budgeted} with a budget, ${counts.locked} locked`,
    )
    await app.close()
    await compare(database, bench.url)
  } finally {
    await database.close()
    await dropBenchDatabase(bench.name)
  }
}

/**
 * The two paths in process, alternating rounds of ROUND applications each (every one a new project,
 * as the route's): submitApplication (the read, then store_decision_checked) against submitLocked
 * (begin, lockBudgets, lockSubjects, historyFor, store_decision, commit), the precheck's record reused
 * by both as the route does. Per application: statements, CPU of this process, CPU of the database's
 * backends (/proc, 10 ms ticks: read over whole rounds), wall. Sums over the rounds.
 */
const compare = async (database: DatabaseHandle, url: string) => {
  const name = new URL(url).pathname.slice(1)
  const [key] = (
    await sql<{ id: string }>`select id from api_keys where role = 'enterprise' limit 1`.execute(database.db)
  ).rows
  const caller: Caller = {
    keyId: key!.id,
    role: 'enterprise',
    enterprise: deepProcessing('x', '1.00').enterprise.creditCode,
  }
  const ROUND = Math.max(20, Math.round(N / 5))
  const counted = { ...writePathCounts }
  if (BUDGET !== null)
    await database.db
      .transaction()
      .execute((trx) =>
        setBudgetAmount(
          trx,
          { ledger: 'budget', year: 2015, measure: 'interest-subsidy', prefecture: null },
          BUDGET,
          null,
          caller.keyId,
        ),
      )
  const monitor = new pg.Client({ connectionString: url })
  await monitor.connect()
  const sums = {
    checked: { n: 0, statements: 0, cpu: 0, backend: 0, wall: 0 },
    locked: { n: 0, statements: 0, cpu: 0, backend: 0, wall: 0 },
  }
  let n = 0
  for (let round = 0; round < 10; round++) {
    for (const path of round % 2 === 0
      ? (['checked', 'locked'] as const)
      : (['locked', 'checked'] as const)) {
      statements.clear()
      const backend = await backendCpu(monitor, name)
      counting = true
      const cpu = process.cpuUsage()
      const started = performance.now()
      let left = ROUND
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (left-- > 0) {
            const i = n++
            // Small investments under a shared project: each is paid, every one moves the cap's total.
            const facts = (
              PROJECTS > 0
                ? deepProcessing(`shared-${i % PROJECTS}`, '1000000.00')
                : deepProcessing(`cmp-${i}`, '120000000.00')
            ) as Application
            const options = { inputHash: inputHash(facts), precomputed: precheck(facts) }
            if (path === 'checked') await submitApplication(database.db, caller, facts, options)
            else await submitLocked(database.db, caller, facts, options)
          }
        }),
      )
      const used = process.cpuUsage(cpu)
      const wall = performance.now() - started
      counting = false
      const s = sums[path]
      s.n += ROUND
      s.cpu += (used.user + used.system) / 1000
      s.wall += wall
      s.backend += (await backendCpu(monitor, name)) - backend
      for (const k of statements.values()) s.statements += k
    }
  }
  await monitor.end()
  console.log(
    `\npaths of the checked side: ${writePathCounts.checked - counted.checked} in two statements ` +
      `(${writePathCounts.reused - counted.reused} reusing the precheck's record), ${writePathCounts.stale - counted.stale} stale, ` +
      `${writePathCounts.budgeted - counted.budgeted} with a budget (decided locked at once)`,
  )
  console.log(
    `in process, ${IN_FLIGHT} in flight, alternating rounds of ${ROUND} (sums over ${sums.checked.n} each):`,
  )
  for (const [path, s] of Object.entries(sums))
    console.log(
      `  ${path.padEnd(8)} ${(s.statements / s.n).toFixed(2)} statements, ${(s.cpu / s.n).toFixed(3)} ms CPU here, ` +
        `${(s.backend / s.n).toFixed(3)} ms CPU in PostgreSQL, ${(s.wall / s.n).toFixed(2)} ms wall per application`,
    )
}

await main()
