// Where a batch's time goes (issue #11 "Speed"), on a fresh PostgreSQL database, in process (no HTTP,
// no queue): the engine alone on the bench's rows; `chunks` chunks of `rows` rows through decideChunk
// (dry run, then submit); the same rows as a dry-run and a submit batch through the job's code
// (src/batches/run.ts). Each reports wall time and CPU time per row — this process's, and that of
// the database's backends (read from /proc: PostgreSQL must run on this machine) — because on a
// loaded machine the wall time mostly measures the wait for a core.
// `npx tsx bench/batch-profile.ts [rows per chunk, 500] [chunks, 4]`; BENCH_KEEP_DATABASE=1 keeps
// the database (its name is printed) for EXPLAIN or psql timings. BENCH_HEAP_PROFILE=1 also samples
// where each job's bytes are allocated (V8's sampling heap profiler, keeping the objects collected
// since: what the young generation's collections have to deal with) and prints the top sites.

import { randomUUID } from 'node:crypto'
import { Session } from 'node:inspector/promises'
import pg from 'pg'
import { canonicalize } from '../src/audit/canonical-json.ts'
import { runBatchSlice } from '../src/batches/run.ts'
import { createBatch, insertInputs, sealBatch } from '../src/db/batches-repository.ts'
import { decideChunk } from '../src/decisions/decide-chunk.ts'
import { decideCompact } from '../src/engine/decide.ts'
import { evaluate } from '../src/engine/evaluate.ts'
import { deepProcessing } from '../test/helpers/fixtures.ts'
import { ADMIN_URL, backendCpu as backendCpuMs, query, scratchDatabase } from './postgres.ts'
import { topShares } from './stats.ts'

/** BENCH_HEAP_PROFILE=1: bytes allocated by function, over one job run. */
const heap =
  process.env['BENCH_HEAP_PROFILE'] === '1'
    ? (() => {
        const session = new Session()
        session.connect()
        interface Node {
          callFrame: { functionName: string; url: string }
          selfSize: number
          children: Node[]
        }
        return {
          start: () =>
            session.post('HeapProfiler.startSampling', {
              samplingInterval: 16_384,
              includeObjectsCollectedByMinorGC: true,
              includeObjectsCollectedByMajorGC: true,
            } as never),
          stop: async (): Promise<string> => {
            const { profile } = (await session.post('HeapProfiler.stopSampling')) as {
              profile: { head: Node }
            }
            const bySite = new Map<string, number>()
            let total = 0
            const walk = (n: Node) => {
              const site = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(src|node_modules)\//, '$1/')}`
              bySite.set(site, (bySite.get(site) ?? 0) + n.selfSize)
              total += n.selfSize
              for (const c of n.children) walk(c)
            }
            walk(profile.head)
            return `  allocated ${(total / 1e6).toFixed(0)} MB; by function (self):\n${topShares(bySite, 15)}`
          },
        }
      })()
    : null
const rowsPerChunk = Number(process.argv[2] ?? '500')
const chunks = Number(process.argv[3] ?? '4')
const { name, url, database, caller, drop } = await scratchDatabase('bench_profile', 4)
const monitor = new pg.Client({ connectionString: ADMIN_URL })
await monitor.connect()
try {
  const n = rowsPerChunk * chunks
  const facts = Array.from({ length: n }, (_, i) =>
    deepProcessing(`line-${i % Math.max(1, Math.floor(n / 5))}`, '60000000.00'),
  )
  for (const f of facts.slice(0, 500)) decideCompact(f)
  let t0 = performance.now()
  for (const f of facts) decideCompact(f)
  const compactUs = ((performance.now() - t0) * 1000) / n
  t0 = performance.now()
  for (const f of facts) evaluate(f)
  const evaluateUs = ((performance.now() - t0) * 1000) / n
  const record = decideCompact(facts[0]!)
  process.stdout.write(
    `engine: decideCompact ${compactUs.toFixed(1)} µs/row, evaluate ${evaluateUs.toFixed(1)} µs/row; record ${canonicalize(record).length} B, facts ${JSON.stringify(facts[0]).length} B, outcomes ${record.outcomes.length}\n`,
  )
  // CPU seconds of this database's backends (PostgreSQL on this machine: /proc), and of this process.
  const backendCpu = async () => (await backendCpuMs(monitor, name)) / 1000
  for (const store of [false, true]) {
    let total = 0
    const cpu0 = process.cpuUsage()
    const pg0 = await backendCpu()
    for (let c = 0; c < chunks; c++) {
      const rows = facts
        .slice(c * rowsPerChunk, (c + 1) * rowsPerChunk)
        .map((f, i) => ({ row: c * rowsPerChunk + i + 1, facts: f }))
      const t = performance.now()
      await database.db.transaction().execute((trx) => decideChunk(trx, caller, rows, store))
      total += performance.now() - t
    }
    const cpu = process.cpuUsage(cpu0)
    const pgCpu = (await backendCpu()) - pg0
    process.stdout.write(
      `cpu: node ${(((cpu.user + cpu.system) / 1000 / n) * 1000).toFixed(0)} µs/row, postgres ${((pgCpu * 1e6) / n).toFixed(0)} µs/row\n`,
    )
    process.stdout.write(
      `${store ? 'submit' : 'dry-run'}: ${((total * 1000) / n).toFixed(1)} µs/row (${((n / total) * 1000).toFixed(0)} rows/s) over ${chunks} chunks of ${rowsPerChunk}\n`,
    )
  }
  // The same rows as a dry-run batch through the job's code (src/batches/run.ts): inputs read,
  // decided, results written, progress advanced, chunk by chunk.
  for (const mode of ['dry-run', 'submit'] as const) {
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
    await sealBatch(database.db, id, n, `${mode}-${name}`)
    if (heap) await heap.start()
    const cpu0 = process.cpuUsage()
    const pg0 = await backendCpu()
    const t = performance.now()
    await runBatchSlice(database.db, id, { chunkRows: rowsPerChunk, sliceMs: 3_600_000 })
    const total = performance.now() - t
    const allocated = heap ? await heap.stop() : null
    const cpu = process.cpuUsage(cpu0)
    const pgCpu = (await backendCpu()) - pg0
    process.stdout.write(
      `job ${mode}: ${((total * 1000) / n).toFixed(1)} µs/row (${((n / total) * 1000).toFixed(0)} rows/s); cpu: node ${(((cpu.user + cpu.system) / 1000 / n) * 1000).toFixed(0)} µs/row, postgres ${((pgCpu * 1e6) / n).toFixed(0)} µs/row\n`,
    )
    if (allocated) process.stdout.write(allocated)
  }
  const counts = await query(
    url,
    `select (select count(*) from audit_log) audit, (select count(*) from ledger_entries) entries, (select count(*) from decision_outcomes_all) outcomes, (select count(*) from decision_outcomes) outcome_rows, (select pg_total_relation_size('decisions')) decisions_bytes, (select pg_total_relation_size('applications')) applications_bytes, (select pg_total_relation_size('decision_outcomes') + pg_total_relation_size('decision_ineligible')) outcomes_bytes, (select pg_total_relation_size('audit_log')) audit_bytes`,
  )
  process.stdout.write(`${JSON.stringify(counts[0])}\n`)
} finally {
  await monitor.end()
  if (!process.env['BENCH_KEEP_DATABASE']) await drop()
  else {
    await database.close()
    process.stdout.write(`kept ${name}\n`)
  }
}
