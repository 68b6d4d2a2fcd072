// Where a submit chunk's time goes inside PostgreSQL (issue #11 "Speed", 7a): `chunks` chunks of
// `rows` rows through decideChunk (store) on one connection; for the last one auto_explain is loaded
// on that connection (statements of 1 ms or more, nested ones included, no ANALYZE), so every
// statement that store_decisions and audit_append run for 1 ms or more is logged with its duration;
// they are summed by statement, largest first (a nested statement is also inside its caller's total). PostgreSQL must
// run on this machine with its log readable (PG_LOG, default
// /var/log/postgresql/postgresql-15-main.log), as a superuser (LOAD). SUBMIT_PROFILE_NO_TRIGGERS=1 runs
// the last chunk with session_replication_role = replica (no foreign key checks nor triggers: for
// the measure only) to show what they cost.
// `npx tsx bench/submit-profile.ts [rows per chunk, 500] [chunks, 2]`

import { readFileSync, statSync } from 'node:fs'
import { sql } from 'kysely'
import { decideChunk } from '../src/decisions/decide-chunk.ts'
import { deepProcessing } from '../test/helpers/fixtures.ts'
import { scratchDatabase } from './postgres.ts'

const logFile = process.env['PG_LOG'] || '/var/log/postgresql/postgresql-15-main.log'
const rowsPerChunk = Number(process.argv[2] ?? '500')
const chunks = Number(process.argv[3] ?? '2')
const { database, caller, drop } = await scratchDatabase('bench_submit', 1)
try {
  const n = rowsPerChunk * chunks
  const facts = Array.from({ length: n }, (_, i) =>
    deepProcessing(`line-${i % Math.max(1, Math.floor(n / 5))}`, '60000000.00'),
  )
  let from = 0
  for (let c = 0; c < chunks; c++) {
    if (c === chunks - 1) {
      await sql`load 'auto_explain'`.execute(database.db)
      // Statements of 1 ms or more only, without ANALYZE: logging the thousands of per-row foreign
      // key checks (and timing every plan node) would cost more than the statements measured; their
      // time counts in the statement that fires them.
      await sql`set auto_explain.log_min_duration = 1`.execute(database.db)
      await sql`set auto_explain.log_nested_statements = on`.execute(database.db)
      await sql`set auto_explain.log_analyze = off`.execute(database.db)
      if (process.env['SUBMIT_PROFILE_NO_TRIGGERS'] === '1')
        await sql`set session_replication_role = replica`.execute(database.db)
      from = statSync(logFile).size
    }
    const rows = facts
      .slice(c * rowsPerChunk, (c + 1) * rowsPerChunk)
      .map((f, i) => ({ row: c * rowsPerChunk + i + 1, facts: f }))
    const t = performance.now()
    await database.db.transaction().execute((trx) => decideChunk(trx, caller, rows, true))
    process.stdout.write(`chunk ${c + 1}: ${(performance.now() - t).toFixed(0)} ms\n`)
  }
  await sql`set auto_explain.log_min_duration = -1`.execute(database.db)
  // The log since: "LOG:  duration: X ms  plan:", "Query Text: …", then the plan with actual rows.
  const entries = readFileSync(logFile, 'utf8')
    .slice(from)
    .split(/\n(?=\S.*LOG:\s+duration:)/)
  const byStatement = new Map<string, { ms: number; count: number }>()
  for (const e of entries) {
    const m = /duration: ([\d.]+) ms/.exec(e)
    if (!m) continue
    const query = /Query Text: ([\s\S]*?)\n\s+\S[^\n]*\(cost=/.exec(e)
    const q = (query?.[1] ?? e.slice(0, 200)).replace(/\s+/g, ' ').slice(0, 160)
    const s = byStatement.get(q) ?? { ms: 0, count: 0 }
    s.ms += Number(m[1])
    s.count += 1
    byStatement.set(q, s)
  }
  for (const [q, s] of [...byStatement].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
    process.stdout.write(`${s.ms.toFixed(1).padStart(9)} ms ${String(s.count).padStart(5)}×  ${q}\n`)
} finally {
  await drop()
}
