// PostgreSQL for the persisted benchmarks: a fresh database per run (created, migrated, dropped),
// the audit chain switched off and back on, and the baseline (plain single-row INSERTs through pg).

import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { buildApp } from '../src/app.ts'
import type { Caller } from '../src/auth/api-keys.ts'
import { type DatabaseHandle, openPostgres } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrator.ts'
import { deepProcessing, keysFor, keysWithFinanceId } from '../test/helpers/fixtures.ts'
import { percentile } from './stats.ts'

/** Where the bench databases are created: BENCH_ADMIN_URL, else the local server (trust auth). */
export const ADMIN_URL = process.env['BENCH_ADMIN_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres'

const withDatabase = (url: string, name: string): string => {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

const withClient = async <T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

export interface BenchDatabase {
  name: string
  url: string
  serverVersion: string
  fsync: string
  synchronousCommit: string
  /** an enterprise key for ENTERPRISE_A (the credit code of the fixtures' deepProcessing facts) */
  enterpriseKey: string
}

/** Creates bench_<random>, migrates it and creates the API keys; throws when PostgreSQL is unreachable. */
export const createBenchDatabase = async (): Promise<BenchDatabase> => {
  const name = `bench_${randomBytes(6).toString('hex')}`
  const settings = await withClient(ADMIN_URL, async (client) => {
    await client.query(`create database ${name}`)
    const show = async (setting: string) =>
      String((await client.query(`show ${setting}`)).rows[0]?.[setting] ?? '?')
    return {
      serverVersion: await show('server_version'),
      fsync: await show('fsync'),
      synchronousCommit: await show('synchronous_commit'),
    }
  })
  const url = withDatabase(ADMIN_URL, name)
  const handle = openPostgres(url, 2)
  try {
    await migrateToLatest(handle.db)
    const keys = await keysFor(handle)
    await handle.db.schema
      .createTable('bench_baseline')
      .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
      .addColumn('doc', 'jsonb', (c) => c.notNull())
      .execute()
    return { name, url, ...settings, enterpriseKey: keys.enterpriseA }
  } finally {
    await handle.close()
  }
}

/**
 * A scratch database for a bench script that drives the repositories directly (bench/batch-*.ts,
 * submit-profile.ts): created, migrated, with the test keys and the finance caller; `drop` closes the
 * pool and removes the database.
 */
export const scratchDatabase = async (prefix: string, poolSize: number) => {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`
  await withClient(ADMIN_URL, (client) => client.query(`create database ${name}`))
  const url = withDatabase(ADMIN_URL, name)
  const database = openPostgres(url, poolSize)
  await migrateToLatest(database.db)
  const { keys, financeKeyId } = await keysWithFinanceId(database)
  const caller: Caller = { keyId: financeKeyId, role: 'finance', enterprise: null }
  const drop = async () => {
    await database.close()
    await dropBenchDatabase(name)
  }
  return { name, url, database, keys, caller, drop }
}

export const dropBenchDatabase = async (name: string): Promise<void> => {
  await withClient(ADMIN_URL, (client) => client.query(`drop database if exists ${name} with (force)`))
}

export const query = async (url: string, text: string): Promise<Record<string, unknown>[]> =>
  withClient(url, async (client) => (await client.query(text)).rows)

/**
 * This database's WAL between two LSNs, from pg_waldump: every record with a block of this database,
 * and the commit records of those transactions. The server's LSN moves with every database on it
 * (other test runs copy template databases), so the LSN difference is only an upper bound. Null when
 * pg_waldump cannot read the server's pg_wal here (another machine, or no permission);
 * BENCH_PG_WALDUMP names the binary, else `pg_config --bindir`.
 */
export const walOfDatabase = async (url: string, from: string, to: string) => {
  try {
    const [info] = await query(
      url,
      `select (select oid from pg_database where datname = current_database())::text as oid,
              current_setting('data_directory') as dir`,
    )
    const dir = join(String(info?.['dir']), 'pg_wal')
    const bin =
      process.env['BENCH_PG_WALDUMP'] ||
      join(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim(), 'pg_waldump')
    if (!existsSync(dir) || !existsSync(bin)) return null
    // pg_waldump exits non-zero when the last record before `to` is not flushed yet (others' work):
    // what it printed up to there is kept (this database's transactions committed, so flushed).
    const out = spawnSync(bin, ['-p', dir, '-s', from, '-e', to], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).stdout
    if (!out) return null
    const mine = ` rel 1663/${info?.['oid']}/`
    const txs = new Set<string>()
    let bytes = 0
    let fpi = 0
    /** WAL by relfilenode (the record's first block of this database): bytes and records */
    const byRelation = new Map<string, { bytes: number; records: number }>()
    const pending: { tx: string; len: number }[] = []
    for (const line of out.split('\n')) {
      const m = /len \(rec\/tot\):\s*(\d+)\/\s*(\d+), tx:\s*(\d+)/.exec(line)
      if (!m) continue
      const total = Number(m[2])
      const at = line.indexOf(mine)
      if (at >= 0) {
        bytes += total
        fpi += total - Number(m[1])
        if (m[3] !== '0') txs.add(m[3]!)
        const node = /^\d+/.exec(line.slice(at + mine.length))?.[0] ?? '?'
        const r = byRelation.get(node) ?? { bytes: 0, records: 0 }
        r.bytes += total
        r.records++
        byRelation.set(node, r)
      } else if (!line.includes(' rel ')) pending.push({ tx: m[3]!, len: total })
    }
    let commits = 0
    for (const p of pending) {
      if (!txs.has(p.tx)) continue
      bytes += p.len
      commits += p.len
    }
    return { bytes, fpi, commits, byRelation }
  } catch {
    return null
  }
}

// ---------------------------------------------------------------------------------------------
// The audit chain off and on again

const FUNCTION_DEFINITION = `select pg_get_functiondef('audit_append(jsonb)'::regprocedure) as def`

/** Replaces audit_append with a no-op; returns the definition it replaced. */
export const auditOff = async (url: string): Promise<string> =>
  withClient(url, async (client) => {
    const before = String((await client.query(FUNCTION_DEFINITION)).rows[0]?.def)
    await client.query(
      `create or replace function audit_append(p_entries jsonb) returns bigint language sql as 'select 0::bigint'`,
    )
    return before
  })

/**
 * Puts audit_append back as it was: the definition auditOff read (pg_get_functiondef gives a
 * CREATE OR REPLACE statement; the grants stay with the function), then checks it reads the same.
 * Not re-read from a migration: later migrations redefine it (2026-12-04T1850, hashes as bytea).
 */
export const auditRestore = async (url: string, expected: string): Promise<void> => {
  await withClient(url, async (client) => {
    await client.query(expected)
    const after = String((await client.query(FUNCTION_DEFINITION)).rows[0]?.def)
    if (after !== expected) throw new Error('audit_append restored differs from the original')
  })
}

// ---------------------------------------------------------------------------------------------
// Baseline: the cheapest durable write of a row the size of an application's facts

export interface BaselineResult {
  perSecond: number
  count: number
  errors: number
  p50: number
  p99: number
}

/**
 * `concurrency` loops, each inserting one row (one jsonb column, the document `doc(n)` gives) per
 * autocommit statement, through one pg.Pool of `poolSize` clients, for `seconds`.
 */
export const baselineInserts = async (
  url: string,
  poolSize: number,
  concurrency: number,
  seconds: number,
  doc: (n: number) => string,
): Promise<BaselineResult> => {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000 })
  pool.on('error', () => {})
  let n = 0
  let errors = 0
  const latencies: number[] = []
  try {
    // Open every client first, as the service's pool is by the time it is measured.
    await Promise.all(Array.from({ length: poolSize }, () => pool.query('select 1')))
    const start = process.hrtime.bigint()
    const end = start + BigInt(Math.round(seconds * 1e9))
    const loop = async () => {
      while (process.hrtime.bigint() < end) {
        const body = doc(n++)
        const t0 = process.hrtime.bigint()
        try {
          await pool.query('insert into bench_baseline (doc) values ($1)', [body])
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6)
        } catch {
          errors++
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, loop))
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9
    latencies.sort((a, b) => a - b)
    return {
      perSecond: latencies.length / elapsed,
      count: latencies.length,
      errors,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
    }
  } finally {
    await pool.end()
  }
}

/**
 * An app in process on `database`, without rate limits, and a poster of the bench's application
 * (deepProcessing, one new project per id) as the enterprise: POST /v1/applications, 201 or throws.
 */
export const benchApplications = async (database: DatabaseHandle, enterpriseKey: string) => {
  const app = await buildApp({
    database,
    limits: { rateLimitPerKey: 0, rateLimitAnonymous: 0, rateLimitAuthFailures: 0 },
  })
  const post = async (id: string) => {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${enterpriseKey}`,
        'idempotency-key': id,
      },
      payload: JSON.stringify(deepProcessing(id, '120000000.00')),
    })
    if (r.statusCode !== 201) throw new Error(`${r.statusCode}: ${r.body.slice(0, 300)}`)
    return r
  }
  return { app, post }
}

/**
 * The CPU time (ms, user + system, 10 ms ticks) the client backends connected to database `name` have
 * used so far, read from /proc: PostgreSQL on this machine, readable by this user; NaN otherwise. A backend
 * that exits between two readings is not counted: read across a load whose pool stays connected.
 */
export const backendCpu = async (monitor: pg.Client, name: string): Promise<number> => {
  const pids = await monitor.query<{ pid: number }>(
    // client backends only: autovacuum's workers (datname set too) run when they will, not per request
    "select pid from pg_stat_activity where datname = $1 and backend_type = 'client backend' and pid <> pg_backend_pid()",
    [name],
  )
  const tick = 1000 / 100 // USER_HZ
  let ms = 0
  for (const { pid } of pids.rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      ms += (Number(fields[11]) + Number(fields[12])) * tick
    } catch {
      return Number.NaN
    }
  }
  return ms
}
