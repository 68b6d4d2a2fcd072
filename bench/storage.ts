// The storage part of the benchmarks alone (faster than `npm run bench`): a fresh PostgreSQL
// database, migrated; N applications (the bench's deepProcessing facts) posted to the real app in
// process, CONCURRENCY at a time; then the table data (tables, indexes, TOAST) and WAL per stored
// application, by relation. `npx tsx bench/storage.ts [N]`. Sizes are bytes; the same caveats as
// bench/run.ts section 5 (the WAL includes full-page images after a checkpoint).
//
// The server's WAL position moves with every database on it (other test runs copy template
// databases: megabytes of WAL a second), so the LSN difference is only an upper bound. When
// pg_waldump can read the server's pg_wal (same machine, readable data directory; BENCH_PG_WALDUMP
// names the binary, else `pg_config --bindir`), the WAL of this database alone is counted: every
// record with a block of this database, and the commit records of those transactions.

import { openPostgres } from '../src/db/database.ts'
import {
  benchApplications,
  createBenchDatabase,
  dropBenchDatabase,
  query,
  walOfDatabase,
} from './postgres.ts'

const N = Number(process.argv[2] ?? '400')
const CONCURRENCY = 10

interface RelationBytes {
  heap: number
  toast: number
  indexes: number
  /** free space and visibility maps: created by vacuum, a few pages per table whatever its size */
  maps: number
}

const total = (r: RelationBytes) => r.heap + r.toast + r.indexes + r.maps

const sizes = async (url: string) => {
  const rows = await query(
    url,
    `select c.relname as name, pg_relation_size(c.oid, 'main')::text as heap,
            (pg_relation_size(c.oid, 'fsm') + pg_relation_size(c.oid, 'vm'))::text as maps,
            pg_indexes_size(c.oid)::text as indexes,
            (pg_total_relation_size(c.oid) - pg_relation_size(c.oid, 'main') - pg_relation_size(c.oid, 'fsm')
              - pg_relation_size(c.oid, 'vm') - pg_indexes_size(c.oid))::text as toast
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r'`,
  )
  const [lsn] = await query(url, 'select pg_current_wal_lsn()::text as lsn')
  return {
    lsn: String(lsn?.['lsn']),
    tables: new Map(
      rows.map((r) => [
        String(r['name']),
        {
          heap: Number(r['heap']),
          toast: Number(r['toast']),
          indexes: Number(r['indexes']),
          maps: Number(r['maps']),
        } satisfies RelationBytes,
      ]),
    ),
  }
}

const main = async () => {
  const bench = await createBenchDatabase()
  const database = openPostgres(bench.url, CONCURRENCY)
  try {
    const { app, post } = await benchApplications(database, bench.enterpriseKey)
    // warm up (first pages of every relation), then measure
    for (let i = 0; i < 20; i++) await post(`warm-${i}`)
    const before = await sizes(bench.url)
    let n = 0
    const started = Date.now()
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (n < N) await post(`s-${n++}`)
      }),
    )
    const seconds = (Date.now() - started) / 1000
    const after = await sizes(bench.url)
    const [wal] = await query(bench.url, `select pg_wal_lsn_diff('${after.lsn}', '${before.lsn}')::text as d`)
    const own = await walOfDatabase(bench.url, before.lsn, after.lsn)
    let sum = 0
    let sumMaps = 0
    const lines: string[] = []
    const zero: RelationBytes = { heap: 0, toast: 0, indexes: 0, maps: 0 }
    const per = (a: number, b: number) => ((a - b) / N).toFixed(0).padStart(6)
    for (const [name, bytes] of after.tables) {
      const b = before.tables.get(name) ?? zero
      const d = (total(bytes) - total(b)) / N
      sum += d
      sumMaps += (bytes.maps - b.maps) / N
      if (d > 0)
        lines.push(
          `   ${name.padEnd(22)} ${d.toFixed(0).padStart(7)} B  (heap ${per(bytes.heap, b.heap)}, toast ${per(bytes.toast, b.toast)}, indexes ${per(bytes.indexes, b.indexes)}, maps ${per(bytes.maps, b.maps)})`,
        )
    }
    console.log(`${N} applications in ${seconds.toFixed(1)} s (${(N / seconds).toFixed(0)}/s in process)`)
    console.log(lines.sort().join('\n'))
    console.log(
      `per stored application: ${sum.toFixed(0)} B of table data (of which ${sumMaps.toFixed(0)} B free space and visibility maps), ${(Number(wal?.['d']) / N).toFixed(0)} B of WAL`,
    )
    const rel = await query(
      bench.url,
      `select c.relname as name, pg_relation_size(c.oid)::text as bytes from pg_class c
        join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind in ('i', 't')
        order by pg_relation_size(c.oid) desc limit 25`,
    )
    console.log(
      own === null
        ? 'WAL of this database alone: not measured (pg_waldump cannot read the server’s pg_wal here)'
        : `WAL of this database alone: ${(own.bytes / N).toFixed(0)} B per stored application (of which ${(own.fpi / N).toFixed(0)} B full-page images); the figure above is the whole server's`,
    )
    if (own !== null) {
      const names = new Map(
        (
          await query(
            bench.url,
            `select pg_relation_filenode(c.oid)::text as node, c.relname as name from pg_class c
              where pg_relation_filenode(c.oid) is not null`,
          )
        ).map((r) => [String(r['node']), String(r['name'])]),
      )
      console.log('WAL of this database by relation, per stored application (bytes, records):')
      const rows = [...own.byRelation].sort((a, b) => b[1].bytes - a[1].bytes)
      for (const [node, r] of rows)
        console.log(
          `   ${(names.get(node) ?? node).padEnd(44)} ${(r.bytes / N).toFixed(0).padStart(6)} B ${(r.records / N).toFixed(2).padStart(6)}`,
        )
      console.log(`   ${'commit and other records'.padEnd(44)} ${(own.commits / N).toFixed(0).padStart(6)} B`)
    }
    console.log('largest indexes (whole relation, all rows):')
    for (const r of rel) console.log(`   ${String(r['name']).padEnd(44)} ${r['bytes']}`)
    const [rowBytes] = await query(
      bench.url,
      `select avg(pg_column_size(d.evaluation))::int as evaluation, avg(pg_column_size(d.history))::int as history,
              avg(pg_column_size(d.*))::int as decision_row,
              (select avg(pg_column_size(a.*))::int from applications a) as application_row,
              (select avg(pg_column_size(k.*))::int from idempotency_keys k) as key_row,
              (select avg(pg_column_size(k.response_body))::int from idempotency_keys k) as key_body,
              (select avg(pg_column_size(o.*))::int from decision_outcomes o) as outcome_row,
              (select avg(pg_column_size(l.*))::int from audit_log l) as audit_row,
              (select count(*)::int from audit_log) as audit_rows,
              (select count(*)::int from decision_outcomes) as outcome_rows
         from decisions d`,
    )
    console.log('average stored sizes (pg_column_size):', rowBytes)
    await app.close()
  } finally {
    await database.close()
    await dropBenchDatabase(bench.name)
  }
}

await main()
