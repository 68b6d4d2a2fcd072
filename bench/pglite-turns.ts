// Issue #11 on PGlite: a batch's job takes turns with the API (src/db/take-turns.ts) — what it costs
// the job, and how long a request arriving mid-job waits. A dry run of `rows` rows (runBatchSlice,
// BENCH_CHUNK_ROWS per chunk) on an in-memory PGlite, this code against a baseline copy (BASELINE_SRC,
// e.g. a `git archive` of lead's src/ and examples/ under dist/baseline), in alternating rounds (ABBA)
// within this one process: CPU time per row of this process (PGlite runs in it), wall per row, and the
// wait of a `select 1` due 20 ms into the job (from when its timer was due to when it was answered).
// `BASELINE_SRC=dist/baseline/src npx tsx bench/pglite-turns.ts [rows 2000] [rounds 4]`

import { randomUUID } from 'node:crypto'
import { resolve } from 'node:path'
import type { Caller } from '../src/auth/api-keys.ts'
import { createBatch, insertInputs, sealBatch } from '../src/db/batches-repository.ts'
import { openPglite } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrator.ts'
import { deepProcessing, keysFor } from '../test/helpers/fixtures.ts'

const n = Number(process.argv[2] ?? '2000')
const rounds = Number(process.argv[3] ?? '4')
const chunkRows = Number(process.env['BENCH_CHUNK_ROWS'] || '500')
const baselineSrc = process.env['BASELINE_SRC']
type Run = typeof import('../src/batches/run.ts')
const variants: [string, Run][] = [['this', await import('../src/batches/run.ts')]]
if (baselineSrc) variants.unshift(['baseline', (await import(resolve(baselineSrc, 'batches/run.ts'))) as Run])
/** When the probe query is due, after the job starts. */
const PROBE_MS = 20

const database = await openPglite('memory://')
try {
  await migrateToLatest(database.db)
  await keysFor(database)
  const finance = await database.db
    .selectFrom('api_keys')
    .select('id')
    .where('role', '=', 'finance')
    .executeTakeFirstOrThrow()
  const caller: Caller = { keyId: finance.id, role: 'finance', enterprise: null }
  const totals = new Map<string, { cpu: number; wall: number; wait: number }>()
  for (let round = 0; round < rounds; round++) {
    for (const [label, run] of round % 2 === 0 ? variants : [...variants].reverse()) {
      const facts = Array.from({ length: n }, (_, i) =>
        deepProcessing(`${label}-${round}-${i % Math.max(1, Math.floor(n / 5))}`, '60000000.00'),
      )
      const id = randomUUID()
      await createBatch(database.db, {
        id,
        mode: 'dry-run',
        format: 'jsonl',
        submittedBy: caller.keyId,
        submittedRole: caller.role,
      })
      await insertInputs(
        database.db,
        id,
        facts.map((f, i) => ({ row: i + 1, facts: f, errors: null })),
      )
      await sealBatch(database.db, id, n, id)
      const cpu0 = process.cpuUsage()
      const t = performance.now()
      let answered = Number.NaN
      const probe = new Promise<void>((done) => {
        setTimeout(async () => {
          await database.ping()
          answered = performance.now()
          done()
        }, PROBE_MS)
      })
      await run.runBatchSlice(database.db, id, { chunkRows, sliceMs: 3_600_000 })
      const wall = performance.now() - t
      const cpu = process.cpuUsage(cpu0)
      await probe
      const row = {
        cpu: (cpu.user + cpu.system) / n,
        wall: (wall * 1000) / n,
        wait: answered - (t + PROBE_MS),
      }
      process.stdout.write(
        `round ${round + 1} ${label}: ${row.cpu.toFixed(0)} µs CPU/row, wall ${row.wall.toFixed(0)} µs/row, job ${wall.toFixed(0)} ms, probe waited ${row.wait.toFixed(0)} ms\n`,
      )
      const s = totals.get(label) ?? { cpu: 0, wall: 0, wait: 0 }
      totals.set(label, { cpu: s.cpu + row.cpu, wall: s.wall + row.wall, wait: s.wait + row.wait })
    }
  }
  for (const [label, s] of totals)
    process.stdout.write(
      `dry-run ${n} rows, chunks of ${chunkRows}, ${label} (mean of ${rounds}): ${(s.cpu / rounds).toFixed(0)} µs CPU/row; wall ${(s.wall / rounds).toFixed(0)} µs/row; a query due ${PROBE_MS} ms into the job waited ${(s.wait / rounds).toFixed(0)} ms\n`,
    )
} finally {
  await database.close()
}
