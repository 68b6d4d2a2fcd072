// How long an enqueued batch waits for this process's idle pg-boss worker (issue #11 "Speed"): a
// 100-row dry run, enqueue → done, with pollingSeconds 1 as in bench/batches.ts, this branch's queue
// against another checkout's (BENCH_BASELINE, as in BENCHMARKS.md) in alternating rounds, in one process:
//   mkdir -p /tmp/base && git archive main src examples migrations tsconfig.json package.json | tar -x -C /tmp/base
//   ln -s $PWD/node_modules /tmp/base/node_modules && BENCH_BASELINE=/tmp/base npx tsx bench/batch-pickup.ts
import { randomUUID } from 'node:crypto'
import { PgBossQueue } from '../src/batches/queue.ts'
import { createBatch, findBatch, insertInputs, sealBatch } from '../src/db/batches-repository.ts'
import { openPostgres } from '../src/db/database.ts'
import { deepProcessing } from '../test/helpers/fixtures.ts'
import { createBenchDatabase, dropBenchDatabase } from './postgres.ts'

const base = (await import(`${process.env['BENCH_BASELINE'] ?? '/tmp/base'}/src/batches/queue.ts`)) as {
  PgBossQueue: typeof PgBossQueue
}
// A migrated database with the test keys, dropped at the end (bench/postgres.ts, as every bench).
const bench = await createBenchDatabase()
const database = openPostgres(bench.url, 4)
try {
  const key = await database.db
    .selectFrom('api_keys')
    .select(['id'])
    .where('role', '=', 'finance')
    .executeTakeFirstOrThrow()
  const facts = Array.from({ length: 100 }, (_, i) => deepProcessing(`line-${i}`, '60000000.00'))
  const res: Record<string, number[]> = { baseline: [], branch: [] }
  for (let round = 0; round < 5; round++)
    for (const [label, Q] of [
      ['baseline', base.PgBossQueue],
      ['branch', PgBossQueue],
    ] as const) {
      const q = new Q(database.db, {
        connectionString: bench.url,
        workers: 1,
        chunkRows: 500,
        sliceMs: 10_000,
        expireSeconds: 120,
        maintenanceSeconds: 10,
        pollingSeconds: 1,
      })
      await q.start()
      await new Promise((r) => setTimeout(r, 1300 + Math.random() * 500))
      const id = randomUUID()
      await createBatch(database.db, {
        id,
        mode: 'dry-run',
        format: 'jsonl',
        submittedBy: key.id,
        submittedRole: 'finance',
      })
      await insertInputs(
        database.db,
        id,
        facts.map((f, i) => ({ row: i + 1, facts: f, errors: null })),
      )
      await sealBatch(database.db, id, facts.length, id)
      const t = performance.now()
      await q.enqueue(id)
      for (;;) {
        const b = await findBatch(database.db, id)
        if (b?.status === 'done') break
        await new Promise((r) => setTimeout(r, 5))
      }
      res[label]!.push(performance.now() - t)
      await q.stop()
    }
  const med = (x: number[]) => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)]!
  for (const [k, v] of Object.entries(res))
    console.log(
      `${k}: enqueue→done of a 100-row dry run, ms: ${v.map((x) => x.toFixed(0)).join(' ')}; median ${med(v).toFixed(0)}`,
    )
} finally {
  await database.close()
  await dropBenchDatabase(bench.name)
}
