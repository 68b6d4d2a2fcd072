// A PgBouncer in front of a throwaway cluster (./cluster.ts), for the tests of the service behind a
// connection pooler: Debian's `pgbouncer` package (.ci/run installs it), run as the `postgres` OS
// user when we are root (PgBouncer refuses root), on a free port, trust auth, its admin console open
// to `postgres`. Missing binary: a failure in CI, a skip said elsewhere (as postgresBinFor does).

import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import type { Test } from 'tap'
import { freePort } from './cluster.ts'

const run = promisify(execFile)

const PGBOUNCER = process.env['PGBOUNCER'] ?? '/usr/sbin/pgbouncer'

export interface Pooler {
  /** postgres://postgres@127.0.0.1:<pooler port>/<database> */
  url(database: string): string
  /**
   * RECONNECT on the admin console: every server connection of `database` is closed once its
   * client lets it go, and the next transactions get new ones — what server_idle_timeout and
   * server_lifetime do in production, at once.
   */
  reconnect(database: string): Promise<void>
}

/** Starts PgBouncer (stopped when the test ends) forwarding every database to `port`, or null. */
export const pgbouncerFor = async (
  t: Test,
  port: number,
  settings: Record<string, string | number>,
): Promise<Pooler | null> => {
  if (!existsSync(PGBOUNCER)) {
    const why = `the pooler tests need PgBouncer (${PGBOUNCER})`
    if (process.env['CI'] === 'true')
      t.fail(`${why}: not found (apt-get install pgbouncer, or set PGBOUNCER)`)
    else t.comment(`SKIPPED: ${why}; not found (apt-get install pgbouncer, or set PGBOUNCER)`)
    return null
  }
  const dir = await mkdtemp(join(tmpdir(), 'faults-pgbouncer-'))
  const listen = await freePort()
  const config = {
    listen_addr: '127.0.0.1',
    listen_port: listen,
    unix_socket_dir: '',
    auth_type: 'trust',
    auth_file: join(dir, 'users.txt'),
    admin_users: 'postgres',
    logfile: join(dir, 'pgbouncer.log'),
    ...settings,
  }
  await writeFile(join(dir, 'users.txt'), '"postgres" ""\n')
  await writeFile(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=127.0.0.1 port=${port}`,
      '[pgbouncer]',
      ...Object.entries(config).map(([k, v]) => `${k} = ${v}`),
    ].join('\n'),
  )
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim())
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim())
    for (const f of ['', 'users.txt', 'pgbouncer.ini']) await chown(join(dir, f), uid, gid)
  }
  const ini = join(dir, 'pgbouncer.ini')
  // Its own process group (runuser forks PgBouncer as a child): stopped as a group.
  const child: ChildProcess = asRoot
    ? spawn('runuser', ['-u', 'postgres', '--', PGBOUNCER, ini], { stdio: 'ignore', detached: true })
    : spawn(PGBOUNCER, [ini], { stdio: 'ignore', detached: true })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  t.teardown(async () => {
    const group = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal)
      } catch {}
    }
    group('SIGTERM')
    const timer = setTimeout(() => group('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
    await rm(dir, { recursive: true, force: true })
  })
  const url = (database: string) => `postgres://postgres@127.0.0.1:${listen}/${database}`
  const admin = async (command: string) => {
    const client = new pg.Client({ connectionString: url('pgbouncer') })
    await client.connect()
    try {
      // No parameters: the simple query protocol, the only one the admin console speaks.
      await client.query(command)
    } finally {
      await client.end()
    }
  }
  for (let i = 0; ; i++) {
    try {
      await admin('SHOW VERSION')
      break
    } catch (error) {
      if (i === 50) throw error
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return { url, reconnect: (database) => admin(`RECONNECT ${database}`) }
}
