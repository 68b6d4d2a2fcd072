// The set-up of the fault tests that kill or cut the API: a throwaway PostgreSQL cluster
// (./cluster.ts) with a database `incentives`, a client on it for the test's own reads and triggers,
// and API processes (./instance.ts) started on one port against it, each killed when the test ends.
// The client is a pool of one connection: it outlives the cluster's crash and restart (its broken
// connection is replaced on the next query), and terminating every backend but pg_backend_pid()
// leaves it its own.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { Test } from 'tap'
import { type Cluster, createCluster, freePort, postgresBinFor } from './cluster.ts'
import { adminKeyOf, type Instance, startInstance, waitReady } from './instance.ts'

export interface ApiOnCluster {
  /** the database's URL */
  url: string
  /** the throwaway cluster, for the tests that crash PostgreSQL itself (stopImmediately, start) */
  cluster: Cluster
  /** a client on the database (one connection, replaced once broken), ended with the test */
  db: pg.Pool
  /** starts an API process on the cluster's port (one at a time) and waits until it is ready */
  start: (name: string) => Promise<Instance>
  /** a new API key of role finance, created by the first instance's admin key */
  financeKey: (instance: Instance) => Promise<string>
}

/**
 * One batch worker in the API, whose job left active by an outage of PostgreSQL is retried soon
 * after the database is back (the tests that stop or crash it mid-batch).
 */
export const QUICK_BATCH_RETRY: Readonly<Record<string, string>> = {
  BATCH_WORKERS: '1',
  BATCH_JOB_EXPIRE_SECONDS: '10',
  BATCH_QUEUE_MAINTENANCE_SECONDS: '2',
}

/**
 * The cluster and what runs on it, or null when the server binaries are missing (postgresBinFor: a
 * failure in CI, a skip said elsewhere). `settings` are ALTER SYSTEM settings applied before the API
 * starts; `env` is added to each instance's environment; `through`, given the cluster's port, starts
 * what the instances connect through instead (a pooler: its URL of the database, or null when it
 * cannot run, said by `through`).
 */
export const apiOnCluster = async (
  t: Test,
  options: {
    env?: Record<string, string>
    settings?: Record<string, string>
    through?: (port: number) => Promise<((database: string) => string) | null>
  } = {},
): Promise<ApiOnCluster | null> => {
  const bin = await postgresBinFor(t)
  if (!bin) return null
  const cluster = await createCluster(bin)
  t.teardown(() => cluster.destroy())
  await cluster.start()
  const admin = new pg.Client({ connectionString: cluster.url() })
  await admin.connect()
  await admin.query('create database incentives')
  for (const [name, value] of Object.entries(options.settings ?? {}))
    await admin.query(`alter system set ${name} = '${value}'`)
  if (options.settings) await admin.query('select pg_reload_conf()')
  await admin.end()
  const url = cluster.url('incentives')
  const db = new pg.Pool({ connectionString: url, max: 1 })
  // An idle connection broken by a crash of the cluster: the pool drops it; nothing to report.
  db.on('error', () => {})
  t.teardown(() => db.end())

  const keyDir = mkdtempSync(join(tmpdir(), 'faults-key-'))
  t.teardown(() => rmSync(keyDir, { recursive: true, force: true }))
  const through = options.through ? await options.through(cluster.port) : undefined
  if (through === null) return null
  const env = {
    DATABASE_URL: through?.('incentives') ?? url,
    ADMIN_KEY_FILE: join(keyDir, 'admin-key.txt'),
    ...options.env,
  }
  const port = await freePort()
  const instances: Instance[] = []
  t.teardown(() => {
    for (const i of instances) if (i.running()) i.process.kill('SIGKILL')
  })
  return {
    url,
    cluster,
    db,
    start: async (name) => {
      const instance = startInstance(name, port, env)
      instances.push(instance)
      await waitReady(instance)
      return instance
    },
    financeKey: async (instance) => {
      const created = await fetch(`${instance.base}/v1/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKeyOf(instance)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'finance', label: 'fault suite' }),
      })
      return ((await created.json()) as { key: string }).key
    },
  }
}
