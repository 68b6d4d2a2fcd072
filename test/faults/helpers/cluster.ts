// A throwaway PostgreSQL cluster for the fault suite: initdb in a temporary directory, on a free
// port, so that killing it (pg_ctl stop -m immediate) or terminating its backends touches nothing
// else on the machine. Run as the `postgres` OS user when we are root (initdb refuses root).
// The binaries are found, not assumed: PG_BIN, else the newest /usr/lib/postgresql/<n>/bin, else
// pg_config --bindir.

import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdtemp, readdir, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

const run = promisify(execFile)

export const findPostgresBin = async (): Promise<string | null> => {
  const candidates: string[] = []
  if (process.env['PG_BIN']) candidates.push(process.env['PG_BIN'])
  try {
    const versions = (await readdir('/usr/lib/postgresql')).filter((v) => /^\d+$/.test(v))
    versions.sort((a, b) => Number(b) - Number(a))
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`))
  } catch {}
  try {
    candidates.push((await run('pg_config', ['--bindir'])).stdout.trim())
  } catch {}
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) ?? null
}

/**
 * The binaries, or null after saying why there are none: in CI that fails the test (a fault suite
 * that cannot run must not pass), elsewhere it is a comment that says the test was skipped.
 */
export const postgresBinFor = async (t: {
  fail: (message: string) => void
  comment: (message: string) => void
}) => {
  const bin = await findPostgresBin()
  if (bin) return bin
  const why = 'the fault suite needs the PostgreSQL server binaries (initdb, pg_ctl)'
  if (process.env['CI'] === 'true') t.fail(`${why}: none found (install postgresql, or set PG_BIN)`)
  else t.comment(`SKIPPED: ${why}; none found (set PG_BIN)`)
  return null
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })

export interface Cluster {
  port: number
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string
  /** pg_ctl start, waiting until it accepts connections */
  start(): Promise<void>
  /** pg_ctl stop -m immediate: the postmaster and every backend die at once (crash recovery next) */
  stopImmediately(): Promise<void>
  /** pg_terminate_backend on every client backend of `database`; returns how many */
  terminateClientBackends(database: string): Promise<number>
  /** stops it (if running) and deletes its directory */
  destroy(): Promise<void>
}

export const createCluster = async (bin: string): Promise<Cluster> => {
  const root = await mkdtemp(join(tmpdir(), 'faults-pg-'))
  const data = join(root, 'data')
  const port = await freePort()
  const asRoot = process.getuid?.() === 0
  // initdb and the server refuse to run as root: hand the directory to the postgres user.
  const as = async (command: string, args: string[]) => {
    const file = join(bin, command)
    return asRoot ? run('runuser', ['-u', 'postgres', '--', file, ...args]) : run(file, args)
  }
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    await chown(root, Number(stdout.trim()), Number(gid.trim()))
  }
  await chmod(root, 0o700)
  await as('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
  ])
  const options = [
    `-p ${port}`,
    "-c listen_addresses='127.0.0.1'",
    `-c unix_socket_directories='${root}'`,
    // Durability against a process crash needs the WAL, not fsync: an immediate stop is a crash of
    // PostgreSQL, not of the machine. fsync off keeps the suite fast.
    '-c fsync=off',
    '-c max_connections=100',
    '-c log_min_messages=warning',
  ].join(' ')
  let running = false
  const cluster: Cluster = {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start: async () => {
      await as('pg_ctl', [
        '-D',
        data,
        '-l',
        join(root, 'server.log'),
        '-o',
        options,
        '-w',
        '-t',
        '60',
        'start',
      ])
      running = true
    },
    stopImmediately: async () => {
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
      running = false
    },
    terminateClientBackends: async (database) => {
      const client = new pg.Client({ connectionString: cluster.url() })
      await client.connect()
      try {
        const r = await client.query(
          `select pg_terminate_backend(pid) from pg_stat_activity
            where datname = $1 and backend_type = 'client backend' and pid <> pg_backend_pid()`,
          [database],
        )
        return r.rowCount ?? 0
      } finally {
        await client.end()
      }
    },
    destroy: async () => {
      if (running) await cluster.stopImmediately().catch(() => {})
      await rm(root, { recursive: true, force: true })
    },
  }
  return cluster
}
