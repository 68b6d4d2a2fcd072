// `npm run audit:verify` as an auditor types it, on the embedded database (PGlite ./data) while the
// service is stopped: stdout is the verification JSON and nothing else (npm's banner would break
// `| jq`: .npmrc runs npm silent), the exit code says valid (0) / invalid (1) / could not read (2),
// and a directory another process holds is refused with nothing on stdout. The PostgreSQL path of
// the same script is tested in test/audit/verify.test.ts.

import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import t from 'tap'
import { openPglite } from '../../src/db/database.ts'
import { createApiKey } from '../../src/db/keys-repository.ts'
import { migrateToLatest } from '../../src/db/migrator.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const execFileAsync = promisify(execFile)

// A plain environment, as an auditor's shell has: no tap coverage hooks, no database URL.
const childEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => k !== 'NODE_OPTIONS' && !k.startsWith('_TAPJS_') && !k.startsWith('npm_'),
  ),
)
childEnv['DATABASE_URL'] = ''

/** The real command line: `npm run audit:verify -- …` in the repository. */
const npmRun = async (...args: string[]) => npmRunWith({}, ...args)

const npmRunWith = async (env: Record<string, string>, ...args: string[]) => {
  try {
    const { stdout, stderr } = await execFileAsync('npm', ['run', 'audit:verify', '--', ...args], {
      cwd: ROOT,
      env: { ...childEnv, ...env },
    })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

const dataDir = join(t.testdir({}), 'data')
{
  // What a stopped service leaves: a migrated directory with a few audited changes.
  const handle = await openPglite(dataDir)
  await migrateToLatest(handle.db)
  for (const label of ['first', 'second', 'third']) {
    await createApiKey(handle.db, { role: 'auditor', label }, 'system')
  }
  await handle.close()
}

t.test('stdout is only the JSON, on the embedded database, with the service stopped', async (t) => {
  const ok = await npmRun('--data-dir', dataDir)
  t.equal(ok.code, 0, ok.stderr)
  t.doesNotThrow(() => JSON.parse(ok.stdout), 'stdout parses as one JSON document (no npm banner)')
  t.match(JSON.parse(ok.stdout), { valid: true, checked: 3, first_bad_seq: null })
})

t.test('no --data-dir and no DATABASE_URL: the embedded database where the service keeps it', async (t) => {
  // DATA_DIR as npm start reads it (./data when unset, src/config.ts).
  const ok = await npmRunWith({ DATA_DIR: dataDir })
  t.equal(ok.code, 0, ok.stderr)
  t.match(JSON.parse(ok.stdout), { valid: true, checked: 3, first_bad_seq: null }, 'stdout is the JSON only')

  // A directory with no database is refused, not created empty (an empty log would verify).
  const nowhere = join(t.testdir({}), 'no-data')
  const none = await npmRunWith({ DATA_DIR: nowhere })
  t.equal(none.code, 2)
  t.equal(none.stdout, '', 'nothing on stdout')
  t.match(none.stderr, /no-data holds no embedded database/)
  t.notOk(existsSync(nowhere), 'nothing was created')
})

t.test('a directory the service holds: exit 2, the holder named on stderr, stdout empty', async (t) => {
  const held = await openPglite(dataDir)
  try {
    const locked = await npmRun('--data-dir', dataDir)
    t.equal(locked.code, 2)
    t.equal(locked.stdout, '', 'nothing on stdout for jq to misread')
    t.match(locked.stderr, /stop it and run this again/)
  } finally {
    await held.close()
  }
})

t.test('a tampered log: exit 1 and the verdict as JSON only', async (t) => {
  const handle = await openPglite(dataDir)
  try {
    // As the superuser PGlite runs as: the append-only triggers off, entry 2 removed.
    await handle.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx)
      await trx.deleteFrom('audit_log').where('seq', '=', '2').execute()
    })
  } finally {
    await handle.close()
  }
  const bad = await npmRun('--data-dir', dataDir)
  t.equal(bad.code, 1)
  t.match(JSON.parse(bad.stdout), { valid: false, first_bad_seq: 2, problem: 'gap' })
})
