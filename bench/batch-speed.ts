// Issue #11 "Speed": a batch's job (src/batches/run.ts: inputs read, rows decided, results written,
// progress advanced) against a baseline copy of the code (BASELINE_SRC, e.g. a `git archive` of main's
// src/ and examples/ under dist/baseline), in alternating rounds within this one process, on one
// fresh PostgreSQL database: CPU time per row of this process and of the database's backends (read
// from /proc: PostgreSQL must run on this machine), since wall time on a loaded machine mostly
// measures the wait for a core. Also the stored bytes per result row of each.
// `BASELINE_SRC=dist/baseline/src npx tsx bench/batch-speed.ts [mode dry-run|submit] [rows 2000] [rounds 3]`

import { randomUUID } from 'node:crypto'
import { resolve } from 'node:path'
import pg from 'pg'
import { createBatch, insertInputs, sealBatch } from '../src/db/batches-repository.ts'
import { decideCompact } from '../src/engine/decide.ts'
import { deepProcessing } from '../test/helpers/fixtures.ts'
import { ADMIN_URL, backendCpu, query, scratchDatabase } from './postgres.ts'

const mode = (process.argv[2] ?? 'dry-run') as 'dry-run' | 'submit'
const n = Number(process.argv[3] ?? '2000')
const rounds = Number(process.argv[4] ?? '3')
const baselineSrc = process.env['BASELINE_SRC']
type Run = typeof import('../src/batches/run.ts')
type RunOptions = import('../src/batches/run.ts').RunOptions
// BENCH_CHUNK_ROWS: one variant of this code per chunk size (e.g. "500,2000"); the baseline runs the first.
// BENCH_STORE_ROWS: likewise per group of stored rows (decideChunk's storeRows, e.g. "100,500").
const chunkSizes = (process.env['BENCH_CHUNK_ROWS'] || '500').split(',').map(Number)
const storeSizes = (process.env['BENCH_STORE_ROWS'] || '').split(',').filter(Boolean).map(Number)
const current = await import('../src/batches/run.ts')
const variants: [string, Run, RunOptions][] = chunkSizes.flatMap((chunkRows) =>
  (storeSizes.length > 0 ? storeSizes : [undefined]).map((storeRows): [string, Run, RunOptions] => [
    ['this', chunkSizes.length > 1 ? `@${chunkRows}` : '', storeRows ? `/${storeRows}` : ''].join(''),
    current,
    { chunkRows, sliceMs: 3_600_000, ...(storeRows ? { storeRows } : {}) },
  ]),
)
if (baselineSrc)
  variants.unshift([
    'baseline',
    (await import(resolve(baselineSrc, 'batches/run.ts'))) as Run,
    { chunkRows: chunkSizes[0]!, sliceMs: 3_600_000 },
  ])

const { name, url, database, caller, drop } = await scratchDatabase('bench_speed', 4)
const monitor = new pg.Client({ connectionString: ADMIN_URL })
await monitor.connect()
/** CPU seconds of this database's backends so far. */
const databaseCpu = async () => (await backendCpu(monitor, name)) / 1000
try {
  for (const f of Array.from({ length: 500 }, (_, i) => deepProcessing(`w-${i}`, '60000000.00')))
    decideCompact(f)
  const totals = new Map<string, { node: number; postgres: number; wall: number; bytes: number }>()
  for (let round = 0; round < rounds; round++) {
    // ABBA: each variant runs first in every other round (the second pays for the first's garbage).
    for (const [label, run, options] of round % 2 === 0 ? variants : [...variants].reverse()) {
      // Fresh subjects every batch (a submit batch's rows are stored once), 5 rows per subject.
      const facts = Array.from({ length: n }, (_, i) =>
        deepProcessing(`${label}-${round}-${i % Math.max(1, Math.floor(n / 5))}`, '60000000.00'),
      )
      const id = randomUUID()
      await createBatch(database.db, {
        id,
        mode,
        format: 'jsonl',
        submittedBy: caller.keyId,
        submittedRole: 'finance',
      })
      await insertInputs(
        database.db,
        id,
        facts.map((f, i) => ({ row: i + 1, facts: f, errors: null })),
      )
      await sealBatch(database.db, id, n, `${id}`)
      const cpu0 = process.cpuUsage()
      const pg0 = await databaseCpu()
      const t = performance.now()
      await run.runBatchSlice(database.db, id, options)
      const wall = performance.now() - t
      const cpu = process.cpuUsage(cpu0)
      const pgCpu = (await databaseCpu()) - pg0
      const bytes = Number(
        (
          await query(
            url,
            `select coalesce(sum(coalesce(pg_column_size(r.outcomes), 0) + coalesce(pg_column_size(r.outcome_codes), 0)), 0) + coalesce((select sum(pg_column_size(t.*)) from batch_reason_texts t where t.batch_id = '${id}'), 0) as b from batch_results r where batch_id = '${id}'`,
          ).catch(() =>
            query(
              url,
              `select sum(pg_column_size(r.outcomes)) as b from batch_results r where batch_id = '${id}'`,
            ),
          )
        )[0]!['b'],
      )
      const row = {
        node: (cpu.user + cpu.system) / n,
        postgres: (pgCpu * 1e6) / n,
        wall: (wall * 1000) / n,
        bytes: bytes / n,
      }
      process.stdout.write(
        `round ${round + 1} ${label}: node ${row.node.toFixed(0)} µs/row, postgres ${row.postgres.toFixed(0)} µs/row, wall ${row.wall.toFixed(0)} µs/row, ${row.bytes.toFixed(0)} B/row\n`,
      )
      const s = totals.get(label) ?? { node: 0, postgres: 0, wall: 0, bytes: 0 }
      totals.set(label, {
        node: s.node + row.node,
        postgres: s.postgres + row.postgres,
        wall: s.wall + row.wall,
        bytes: s.bytes + row.bytes,
      })
    }
  }
  for (const [label, s] of totals)
    process.stdout.write(
      `${mode} ${label} (mean of ${rounds}): node ${(s.node / rounds).toFixed(0)} + postgres ${(s.postgres / rounds).toFixed(0)} = ${((s.node + s.postgres) / rounds).toFixed(0)} µs CPU/row; wall ${(s.wall / rounds).toFixed(0)} µs/row; ${(s.bytes / rounds).toFixed(0)} B/row of outcomes stored (with the batch's reason texts)\n`,
    )
} finally {
  await monitor.end()
  await drop()
}
