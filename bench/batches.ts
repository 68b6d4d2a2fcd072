// Batches (issue #11 "Speed"), end to end on PostgreSQL, against baselines measured in the same run:
//   a. a `submit` batch of N rows — upload over HTTP (streamed), pg-boss job, every row stored as an
//      application with decision, ledger grants and audit entries — against a plain COPY of the same
//      rows (row number + the application as jsonb) into a table (goal ≥ 0.5×);
//   b. a `dry-run` batch of the same rows against the engine's in-process rate on the same rows
//      (decideCompact, the dry run's own engine work, one thread, best of three rounds; goal ≥ 0.5×).
//      Until 2026-12-04 the reference was `evaluate` (decide + full render), about 3× slower than
//      what a dry run's rows cost the engine: 7b figures before that date are not comparable.
// Before them, one uncounted 1 000-row batch of each mode on other projects warms the server up (the
// engine's reference is timed after a warm-up too); figures of 7a/7b before 2026-12-05 ran cold.
// N is BENCH_BATCH_ROWS: by default 100 000, the figure (about 3 minutes of the run on the
// 2-core machine: the submit alone takes about 130 s at ~770 rows/s, and the bench process peaks
// near 850 MB); BENCH_BATCH_ROWS=10000 for a quicker look. The History's 7a/7b figures up to
// b459900+ are of 10 000-row batches. Each batch's phases are printed from its row: upload and the
// wait for a worker (created → started), and the run (started → finished).
// Runs inside `npm run bench`, or alone: `npx tsx bench/batches.ts`.

import { randomBytes } from 'node:crypto'
import { chmodSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { buildApp } from '../src/app.ts'
import { PgBossQueue } from '../src/batches/queue.ts'
import { openPostgres } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrator.ts'
import { decideCompact } from '../src/engine/decide.ts'
import type { Application } from '../src/engine/types.ts'
import { deepProcessing, keysFor } from '../test/helpers/fixtures.ts'
import { onOneCoreWhile } from './pin.ts'
import type { Row } from './report.ts'
import { fmt, ratio } from './stats.ts'

export const BATCH_ROWS = Number(process.env['BENCH_BATCH_ROWS'] || '100000')
/** Rows of the warm-up batch run in each mode before the measured one (not counted). */
const WARM_UP_ROWS = 1000

export interface BatchFigures {
  rows: number
  copyPerSecond: number
  submitPerSecond: number
  dryRunPerSecond: number
  enginePerSecond: number
  submitSeconds: number
  dryRunSeconds: number
}

/** The bench's rows: deep-processing projects of one enterprise, 2 000 of them, each claimed 5 times on 100 000. */
const rowsOf = (n: number): Application[] =>
  Array.from({ length: n }, (_, i) =>
    deepProcessing(`line-${i % Math.max(1, Math.floor(n / 5))}`, '60000000.00'),
  )

const withDatabase = (url: string, name: string): string => {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

const admin = async (url: string, text: string) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

/** Seconds the engine takes over the rows, as a dry run decides them (no history: none is stored). */
const engineRound = (rows: readonly Application[]): number => {
  const started = performance.now()
  let sink = 0
  for (const r of rows) sink += decideCompact(r).outcomes.length
  if (sink === 0) throw new Error('no outcomes')
  return (performance.now() - started) / 1000
}

export const batchBenchmark = async (
  adminUrl: string,
  n = BATCH_ROWS,
  log = (_: string) => {},
): Promise<BatchFigures> => {
  const name = `bench_batches_${randomBytes(5).toString('hex')}`
  await admin(adminUrl, `create database ${name}`)
  const url = withDatabase(adminUrl, name)
  const database = openPostgres(url, 10)
  const file = join(tmpdir(), `${name}.jsonl`)
  const copyFile = join(tmpdir(), `${name}.csv`)
  const warmUpFile = join(tmpdir(), `${name}-warm-up.jsonl`)
  const queue = new PgBossQueue(database.db, {
    connectionString: url,
    workers: 1,
    chunkRows: 500,
    sliceMs: 10_000,
    expireSeconds: 120,
    maintenanceSeconds: 10,
    pollingSeconds: 1,
  })
  try {
    await migrateToLatest(database.db)
    const keys = await keysFor(database)
    const rows = rowsOf(n)
    const lines = rows.map((r) => JSON.stringify(r))
    writeFileSync(file, `${lines.join('\n')}\n`)

    // a. the baseline: COPY of the same rows (row number, jsonb) into a table, server-side from a file.
    writeFileSync(copyFile, lines.map((l, i) => `${i + 1},"${l.replaceAll('"', '""')}"`).join('\n'))
    chmodSync(copyFile, 0o644)
    await admin(url, 'create table bench_copy (row_no integer primary key, facts jsonb not null)')
    const started = performance.now()
    await admin(url, `copy bench_copy from '${copyFile}' with (format csv)`)
    const copySeconds = (performance.now() - started) / 1000
    log(`   COPY of ${n} rows: ${copySeconds.toFixed(2)} s (${fmt(n / copySeconds)} rows/s)`)

    for (const r of rows.slice(0, 1000)) decideCompact(r)
    const engineBefore = engineRound(rows)

    const app = await buildApp({ database, batchQueue: queue })
    await queue.start()
    await app.listen({ port: 0, host: '127.0.0.1' })
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
    const runBatch = async (mode: string, path = file): Promise<number> => {
      const { createReadStream } = await import('node:fs')
      const { Readable } = await import('node:stream')
      const t0 = performance.now()
      const response = await fetch(`${base}/v1/batches?mode=${mode}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.finance}`, 'content-type': 'application/jsonl' },
        body: Readable.toWeb(createReadStream(path)) as never,
        duplex: 'half',
      } as RequestInit)
      const { id } = (await response.json()) as { id: string }
      if (response.status !== 202) throw new Error(`upload: ${response.status}`)
      const uploaded = (performance.now() - t0) / 1000
      for (;;) {
        const b = (await (
          await fetch(`${base}/v1/batches/${id}`, { headers: { authorization: `Bearer ${keys.finance}` } })
        ).json()) as { status: string; rows: { done: number; failed: number } }
        if (b.status === 'done') {
          if (b.rows.failed > 0) throw new Error(`${b.rows.failed} rows failed`)
          break
        }
        if (b.status === 'failed') throw new Error('batch failed')
        await new Promise((r) => setTimeout(r, 25))
      }
      const seconds = (performance.now() - t0) / 1000
      // Where the time went: the upload (until the batch is queued), the wait for a worker, the run.
      const phases = await database.db
        .selectFrom('batches')
        .select([
          sql<number>`extract(epoch from started_at - created_at)::float8`.as('uploadAndWait'),
          sql<number>`extract(epoch from finished_at - started_at)::float8`.as('run'),
        ])
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      log(
        `   ${mode}: upload ${uploaded.toFixed(2)} s (until 202), upload and wait for a worker ${Number(phases.uploadAndWait).toFixed(2)} s, run ${Number(phases.run).toFixed(2)} s`,
      )
      return seconds
    }
    // BENCH_BATCH_MODES=dry-run (or submit) runs one of the two, for a profile (node --cpu-prof).
    const modes = (process.env['BENCH_BATCH_MODES'] || 'dry-run,submit').split(',')
    // Warm-up, not counted (as each HTTP route is loaded 2 s before it is measured): one small batch
    // of each mode on other projects, so the measured ones run the server's compiled code, as the
    // engine's reference does (best of three rounds after a warm-up), not its first JIT tiers.
    writeFileSync(
      warmUpFile,
      `${Array.from({ length: WARM_UP_ROWS }, (_, i) => JSON.stringify(deepProcessing(`warm-up-${i}`, '60000000.00'))).join('\n')}\n`,
    )
    for (const mode of modes) await runBatch(mode, warmUpFile)
    log(`   warm-up (not counted): one ${WARM_UP_ROWS}-row batch of each mode`)
    const dryRunSeconds = modes.includes('dry-run') ? await runBatch('dry-run') : Number.NaN
    log(`   dry-run of ${n} rows: ${dryRunSeconds.toFixed(2)} s (${fmt(n / dryRunSeconds)} rows/s)`)
    const submitSeconds = modes.includes('submit') ? await runBatch('submit') : Number.NaN
    log(`   submit of ${n} rows: ${submitSeconds.toFixed(2)} s (${fmt(n / submitSeconds)} rows/s)`)
    await app.close()

    // b. the engine in process on the same rows: decideCompact, the work a dry run's rows get
    // (src/decisions/decide-chunk.ts), not the full render. Best of three rounds after a warm-up,
    // one of them before the batches ran: a single short round follows the load and the heap the
    // batches left, and swung 11k–53k rows/s between runs.
    const engineSeconds = Math.min(engineBefore, engineRound(rows), engineRound(rows))
    log(`   engine on the same rows: ${engineSeconds.toFixed(2)} s (${fmt(n / engineSeconds)} rows/s)`)
    return {
      rows: n,
      copyPerSecond: n / copySeconds,
      submitPerSecond: n / submitSeconds,
      dryRunPerSecond: n / dryRunSeconds,
      enginePerSecond: n / engineSeconds,
      submitSeconds,
      dryRunSeconds,
    }
  } finally {
    await queue.stop().catch(() => {})
    await database.close()
    await admin(adminUrl, `drop database if exists ${name} with (force)`).catch(() => {})
    // the rows' files (several MB a run) do not outlive it
    for (const f of [file, copyFile, warmUpFile]) rmSync(f, { force: true })
  }
}

export const batchRows = (f: BatchFigures): Row[] => {
  const submit = ratio(f.submitPerSecond, f.copyPerSecond)
  const dry = ratio(f.dryRunPerSecond, f.enginePerSecond)
  return [
    {
      what: `7a. Batch submit of ${f.rows} rows end to end (upload, pg-boss, stored) vs COPY of the same rows`,
      figure: `${fmt(f.submitPerSecond)} vs ${fmt(f.copyPerSecond)} rows/s = ${submit.toFixed(3)}×`,
      target: '≥ 0.5×',
      met: submit >= 0.5 ? 'yes' : 'no',
    },
    {
      what: `7b. Batch dry-run of ${f.rows} rows end to end vs the engine in process on the same rows`,
      figure: `${fmt(f.dryRunPerSecond)} vs ${fmt(f.enginePerSecond)} rows/s = ${dry.toFixed(3)}×`,
      target: '≥ 0.5×',
      met: dry >= 0.5 ? 'yes' : 'no',
    },
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const adminUrl = process.env['BENCH_ADMIN_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres'
  // pinned as in `npm run bench` (section 7)
  const { result: f } = await onOneCoreWhile(() =>
    batchBenchmark(adminUrl, BATCH_ROWS, (l) => process.stdout.write(`${l}\n`)),
  )
  for (const r of batchRows(f)) process.stdout.write(`${r.what}: ${r.figure} (${r.target}: ${r.met})\n`)
}
