// The storage part of the benchmarks alone (faster than `npm run bench`): a fresh PostgreSQL
// database, migrated; N applications (the bench's deepProcessing facts) posted to the real app in
// process, CONCURRENCY at a time; then the table data (tables, indexes, TOAST) and WAL per stored
// application, by relation. `npx tsx bench/storage.ts [N]`. Sizes are bytes; the same caveats as
// bench/run.ts section 5 (the WAL includes full-page images after a checkpoint).

import { openPostgres } from '../src/db/database.ts'
import { benchApplications, createBenchDatabase, dropBenchDatabase, query } from './postgres.ts'

const N = Number(process.argv[2] ?? '400')
const CONCURRENCY = 10

const sizes = async (url: string) => {
  const rows = await query(
    url,
    `select c.relname as name, pg_total_relation_size(c.oid)::text as bytes
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r'`,
  )
  const [lsn] = await query(url, 'select pg_current_wal_lsn()::text as lsn')
  return {
    lsn: String(lsn?.['lsn']),
    tables: new Map(rows.map((r) => [String(r['name']), Number(r['bytes'])])),
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
    let total = 0
    const lines: string[] = []
    for (const [name, bytes] of after.tables) {
      const d = (bytes - (before.tables.get(name) ?? 0)) / N
      total += d
      if (d > 0) lines.push(`   ${name.padEnd(22)} ${d.toFixed(0).padStart(7)} B`)
    }
    console.log(`${N} applications in ${seconds.toFixed(1)} s (${(N / seconds).toFixed(0)}/s in process)`)
    console.log(lines.sort().join('\n'))
    console.log(
      `per stored application: ${total.toFixed(0)} B of table data, ${(Number(wal?.['d']) / N).toFixed(0)} B of WAL`,
    )
    const rel = await query(
      bench.url,
      `select c.relname as name, pg_relation_size(c.oid)::text as bytes from pg_class c
        join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind in ('i', 't')
        order by pg_relation_size(c.oid) desc limit 25`,
    )
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
              (select count(*)::int from audit_log) as audit_rows
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
